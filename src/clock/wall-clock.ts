import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * The three clock readings the gateway needs, injected everywhere so tests
 * run schedules and clock jumps without sleeping.
 */
export interface WallClock {
  /** Wall-clock time, ms since the Unix epoch (UTC); may be wrong before NTP sync. */
  now(): number;
  /** Monotonic time in ms from an arbitrary origin; never jumps, never goes back. */
  monotonic(): number;
  /** True once the system clock has been synchronised (NTP) since boot. */
  isSynced(): boolean;
}

/** Options of {@link systemSyncProbe}. */
export interface SyncProbeOptions {
  /**
   * File systemd-timesyncd touches on its first successful sync after boot
   * (systemd >= 239, man systemd-timesyncd.service). Default
   * `/run/systemd/timesync/synchronized`.
   */
  flagFile?: string;
  /** How often, in ms, the fallback `timedatectl` is asked at most. Default 30000. */
  fallbackIntervalMs?: number;
  /** Checks a path; default `fs.existsSync`. */
  exists?: (path: string) => boolean;
  /** Asks `timedatectl show -p NTPSynchronized --value`; resolves its trimmed output. */
  timedatectl?: () => Promise<string>;
  /** Monotonic ms, for the fallback's rate limit; default `performance.now()`. */
  monotonic?: () => number;
}

/** Default flag file of systemd-timesyncd. */
export const TIMESYNC_FLAG_FILE = '/run/systemd/timesync/synchronized';

const runTimedatectl = (): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, stdout) =>
      err ? reject(err) : resolve(String(stdout).trim()),
    );
  });

/**
 * Whether the system clock is synced, cheaply enough to ask per reading.
 *
 * First choice is a `stat` of timesyncd's flag file (Raspberry Pi OS runs
 * systemd-timesyncd): no process, no D-Bus. A Pi that runs chrony or ntpd
 * instead never creates that file, so while it is absent the probe also asks
 * `timedatectl` (the kernel's STA_UNSYNC flag through timedated) in the
 * background, at most every `fallbackIntervalMs`, and answers from the last
 * reply. Once synced, it stays synced: the kernel flag can flicker during a
 * long network outage, yet the clock keeps running on the drift timesyncd
 * trained, which is good to well under a second a day.
 */
export function systemSyncProbe(options: SyncProbeOptions = {}): () => boolean {
  const flagFile = options.flagFile ?? TIMESYNC_FLAG_FILE;
  const exists = options.exists ?? existsSync;
  const ask = options.timedatectl ?? runTimedatectl;
  const monotonic = options.monotonic ?? (() => performance.now());
  const interval = options.fallbackIntervalMs ?? 30_000;
  let synced = false;
  let askedAt = -Infinity;
  let asking = false;
  return () => {
    if (synced) return true;
    if (exists(flagFile)) return (synced = true);
    if (!asking && monotonic() - askedAt >= interval) {
      asking = true;
      askedAt = monotonic();
      ask().then(
        (answer) => { if (answer === 'yes') synced = true; },
        () => undefined, // no timedatectl (container, no systemd): rely on the flag file
      ).finally(() => { asking = false; });
    }
    return synced;
  };
}

/** The real clock: `Date.now()`, `performance.now()` and {@link systemSyncProbe}. */
export function systemClock(options: SyncProbeOptions = {}): WallClock {
  const isSynced = systemSyncProbe(options);
  return { now: () => Date.now(), monotonic: () => performance.now(), isSynced };
}
