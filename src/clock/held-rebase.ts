/** The held readings of one boot, as read back from the journal, oldest first. */
export interface HeldBoot {
  /** Kernel boot id (or `process-<uuid>` where there is none). */
  readonly bootId: string;
  /** Monotonic arrival times, ms since that boot (CLOCK_MONOTONIC). */
  readonly monoMs: readonly number[];
  /** `wall - monotonic` of that boot in ms, when it was written down at a sync (journal marker). */
  readonly offsetMs?: number;
}

/** How {@link rebaseBoots} dated each boot. */
export interface BootOffset {
  readonly bootId: string;
  /** `wall = mono + offsetMs` for every reading of the boot. */
  readonly offsetMs: number;
  /** True when the offset is a bound, not a measurement (an earlier boot that never synced). */
  readonly estimated: boolean;
}

/**
 * The offset `wall - monotonic` of every boot in `boots` (oldest boot first,
 * the current boot, if present, among them).
 *
 * The current boot's is `currentOffsetMs`, measured now; a boot whose journal
 * has a marker (it synced, then was cut off before its held readings were
 * stored) keeps that one. An earlier boot that never synced cannot be dated
 * exactly: its monotonic clock started at its boot, whose wall time nobody
 * knew. It surely ended before the next boot began, so its readings are
 * placed at the latest time they can have happened: the last one 1 ms before
 * the next boot's start (that boot's offset, as CLOCK_MONOTONIC counts from
 * boot), spacing kept. On a Pi that lost power and came back, the error is the
 * time it was off. Boots are walked from the newest back, each estimate
 * anchoring the one before.
 */
export function rebaseBoots(boots: readonly HeldBoot[], currentBootId: string, currentOffsetMs: number): BootOffset[] {
  const out: BootOffset[] = new Array(boots.length);
  let nextBootWallMs = currentOffsetMs;
  for (let i = boots.length - 1; i >= 0; i -= 1) {
    const boot = boots[i];
    let offsetMs: number;
    let estimated = false;
    if (boot.bootId === currentBootId) offsetMs = currentOffsetMs;
    else if (boot.offsetMs !== undefined) offsetMs = boot.offsetMs;
    else {
      const lastMono = boot.monoMs.reduce((a, b) => Math.max(a, b), 0);
      offsetMs = Math.min(nextBootWallMs, currentOffsetMs) - lastMono - 1;
      estimated = true;
    }
    out[i] = { bootId: boot.bootId, offsetMs, estimated };
    nextBootWallMs = Math.min(nextBootWallMs, offsetMs);
  }
  return out;
}
