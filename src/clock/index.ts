/**
 * Time the gateway can trust: readings are held (on disk) while the Pi's
 * clock is not NTP-synced and re-stamped from monotonic time once it is.
 */
export { BOOT_ID_FILE, readBootId, systemClock, type WallClock } from './wall-clock.ts';
export {
  probeSyncOnce, SYSTEMD_BOOTED_DIR, syncProbeOptionsFromEnv, systemSyncProbe, TIMESYNC_FLAG_FILE,
  type SyncAnswer, type SyncProbe, type SyncProbeOptions, type SyncState,
} from './sync-probe.ts';
export {
  ClockGuard, DEFAULT_CHECK_INTERVAL_MS, DEFAULT_JUMP_TOLERANCE_MS, DEFAULT_MAX_HELD, DEFAULT_MIN_PLAUSIBLE_WALL_MS,
  DEFAULT_RELEASE_GRACE_MS, DEFAULT_REMINDER_INTERVAL_MS, type ClockGuardOptions, type ClockStatus,
} from './clock-guard.ts';
export { DEFAULT_HELD_MAX_BYTES, DEFAULT_MAX_UNWRITTEN, HeldJournal, type DrainedReading, type HeldJournalOptions } from './held-journal.ts';
export { heldPointsCodec, type HeldCodec } from './held-points.ts';
export { rebaseBoots, type BootOffset, type HeldBoot } from './held-rebase.ts';
