/** What the panel should do on this tick. */
export type RefreshAction = 'none' | 'full' | 'partial';

/** The panel's refresh history, kept by the Display. */
export interface RefreshHistory {
  /** Last panel refresh (full or partial, successful or not), ms since epoch. */
  lastRefreshMs?: number;
  /** Last full refresh, ms since epoch. */
  lastFullMs?: number;
  /** Partial refreshes since the last full one. */
  partialsSinceFull: number;
}

/** Inputs of {@link decideRefresh}. */
export interface RefreshPolicy {
  /** Least time between refreshes, s (the config's `minRefreshS`). */
  minRefreshS: number;
  /**
   * Whether a partial refresh can run now: the 2in13_v4 with the last picture in
   * its sleeping controller's RAM (`EpdDriver.partialReady`; false after a
   * restart or a failed refresh, so the next one is full).
   */
  partial: boolean;
  /** Partial refreshes allowed between two full ones (the config's `fullRefreshEvery`). */
  fullRefreshEvery: number;
  /** Optional quiet hours, `HH:MM` local; `from` > `to` spans midnight. */
  quietHours?: { from: string; to: string };
  /** Minute of the day now, local time (0..1439); only used with quiet hours. */
  minuteOfDay: number;
}

/** A full refresh at least this often, ms (Waveshare: refresh at least once every 24 h). */
export const DAILY_MS = 24 * 60 * 60 * 1000;

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** True when `minuteOfDay` lies in [from, to), across midnight when from > to. */
export function inQuietHours(quiet: { from: string; to: string } | undefined, minuteOfDay: number): boolean {
  if (!quiet) return false;
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  return from <= to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

/**
 * The refresh rules, in order: nothing in quiet hours; nothing sooner than
 * `minRefreshS` after the last refresh; a full refresh when none happened for a
 * day (or ever); otherwise only when the picture changed, partially on the B/W
 * panel until `fullRefreshEvery` partials have been done.
 */
export function decideRefresh(history: RefreshHistory, nowMs: number, changed: boolean, policy: RefreshPolicy): RefreshAction {
  if (inQuietHours(policy.quietHours, policy.minuteOfDay)) return 'none';
  if (history.lastRefreshMs !== undefined && nowMs - history.lastRefreshMs < policy.minRefreshS * 1000) return 'none';
  if (history.lastFullMs === undefined || nowMs - history.lastFullMs >= DAILY_MS) return 'full';
  if (!changed) return 'none';
  return policy.partial && history.partialsSinceFull < policy.fullRefreshEvery ? 'partial' : 'full';
}
