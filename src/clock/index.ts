/**
 * Time the gateway can trust: readings are held while the Pi's clock is not
 * NTP-synced and re-stamped from monotonic time once it is.
 */
export { systemClock, systemSyncProbe, TIMESYNC_FLAG_FILE, type SyncProbeOptions, type WallClock } from './wall-clock.ts';
export {
  ClockGuard, DEFAULT_CHECK_INTERVAL_MS, DEFAULT_JUMP_TOLERANCE_MS, DEFAULT_MAX_HELD, DEFAULT_MIN_PLAUSIBLE_WALL_MS,
  type ClockGuardOptions, type ClockStatus,
} from './clock-guard.ts';
