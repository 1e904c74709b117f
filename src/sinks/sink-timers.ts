/** Handle returned by {@link SinkTimers.setTimeout}; opaque to the sink. */
export type TimerHandle = unknown;

/**
 * The time a sink reads and the timers it sets, injected (as the clock guard
 * injects its WallClock) so tests drive retries and back-off without sleeping.
 */
export interface SinkTimers {
  /** Wall time, ms since the epoch; for deadlines and outage lengths. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link SinkTimers.setTimeout}; `undefined` is ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real timers: `Date.now()` and Node's `setTimeout`/`clearTimeout`. */
export const systemTimers: SinkTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
