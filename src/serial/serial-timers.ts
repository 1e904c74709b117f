/**
 * The timers {@link BrokerPort} schedules its reopen back-off and device
 * watch with. Injected so tests step through the schedule without sleeping
 * (test/serial/manual-timers.ts); {@link systemTimers} in production.
 */
export interface SerialTimers {
  /** Calls `fn` once after `ms` milliseconds; returns a handle for {@link SerialTimers.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a pending call; a handle already fired or `undefined` is ignored. */
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const systemTimers: SerialTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
