import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { syncProbeOptionsFromEnv, systemSyncProbe, type SyncProbeOptions, type SyncState } from './sync-probe.ts';

/**
 * The clock readings the gateway needs, injected everywhere so tests run
 * schedules and clock jumps without sleeping.
 */
export interface WallClock {
  /** Wall-clock time, ms since the Unix epoch (UTC); may be wrong before NTP sync. */
  now(): number;
  /**
   * Monotonic time in ms; never jumps, never goes back. The system clock's is
   * CLOCK_MONOTONIC (ms since boot, shared by every process of this boot), so
   * readings held by one process can be rebased by the next.
   */
  monotonic(): number;
  /** True once the system clock has been synchronised (NTP) since boot. */
  isSynced(): boolean;
  /** Synced, waiting for a source, or no source at all; default from {@link isSynced} (`waiting` when not synced). */
  syncState?(): SyncState;
  /** What the gateway waits for while not synced, for logs; e.g. timesyncd's flag file. */
  readonly syncSource?: string;
}

/** Where the kernel publishes the id of the current boot (a UUID, new at every boot). */
export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

/**
 * The kernel's boot id. Where it cannot be read (not Linux), a random id per
 * process: readings held by an earlier process then count as an earlier boot,
 * whose monotonic times are never mixed with ours.
 */
export function readBootId(file = BOOT_ID_FILE): string {
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{8,64}$/i.test(id)) return id;
  } catch {
    // fall through
  }
  return `process-${randomUUID()}`;
}

/**
 * The real clock: `Date.now()`, CLOCK_MONOTONIC (`process.hrtime`, not
 * `performance.now()`, which starts at each process) and
 * {@link systemSyncProbe} with options from the environment
 * ({@link syncProbeOptionsFromEnv}) unless given.
 */
export function systemClock(options: SyncProbeOptions = syncProbeOptionsFromEnv()): WallClock {
  const probe = systemSyncProbe(options);
  return {
    now: () => Date.now(),
    monotonic: () => Number(process.hrtime.bigint()) / 1e6,
    isSynced: probe,
    syncState: probe.state,
    syncSource: probe.source,
  };
}
