import { statfsSync } from 'node:fs';
import type { Logger } from '../log.ts';

/** Free space left to everything else on the spool's filesystem (logs, the OS), bytes: 16 MiB. */
export const DEFAULT_DISK_RESERVE_BYTES = 16 * 1024 * 1024;
/** How often the free space is measured, ms: 5 s (never per write). */
export const DEFAULT_FREE_SPACE_CHECK_MS = 5000;

/** The `fs.statfs` fields used: blocks available to unprivileged users, block size in bytes. */
export interface FreeSpace {
  bavail: number | bigint;
  bsize: number | bigint;
}

/** Options of {@link FreeSpaceBound}. */
export interface FreeSpaceBoundOptions {
  dir: string;
  /** The configured bound (`spool.maxBytes`), bytes. */
  maxBytes: number;
  /** Default {@link DEFAULT_DISK_RESERVE_BYTES}. */
  reserveBytes?: number;
  /** Default {@link DEFAULT_FREE_SPACE_CHECK_MS}. */
  checkIntervalMs?: number;
  /** Default `fs.statfsSync`. */
  statfs?: (dir: string) => FreeSpace;
  /** Monotonic-enough clock, ms. Default `Date.now`. */
  now?: () => number;
  log: Logger;
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * The spool's effective bound: `min(maxBytes, used + free - reserve)`, so
 * the spool drops its oldest segment by its own rule before the disk refuses
 * a write. Measured with statfs at open and at most every `checkIntervalMs`
 * (from the fsync tick). Lowering is logged at warn (again only when it drops
 * by another tenth), going back to `maxBytes` at info.
 */
export class FreeSpaceBound {
  /** The effective bound, bytes (never below 0). */
  bytes: number;
  /** Free bytes at the last measurement. */
  freeBytes = Number.POSITIVE_INFINITY;
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private loggedBytes: number | undefined;
  private readonly o: Required<Omit<FreeSpaceBoundOptions, 'log'>>;

  private readonly log: Logger;

  constructor(options: FreeSpaceBoundOptions) {
    this.log = options.log;
    this.o = {
      dir: options.dir,
      maxBytes: options.maxBytes,
      reserveBytes: options.reserveBytes ?? DEFAULT_DISK_RESERVE_BYTES,
      checkIntervalMs: options.checkIntervalMs ?? DEFAULT_FREE_SPACE_CHECK_MS,
      statfs: options.statfs ?? statfsSync,
      now: options.now ?? Date.now,
    };
    this.bytes = options.maxBytes;
  }

  /** Measures the free space if the last measurement is older than the check interval (or `force`). */
  check(usedBytes: number, force = false): void {
    const now = this.o.now();
    if (!force && now - this.lastCheckMs < this.o.checkIntervalMs) return;
    this.lastCheckMs = now;
    let free: number;
    try {
      const s = this.o.statfs(this.o.dir);
      free = Number(s.bavail) * Number(s.bsize);
    } catch {
      return; // the directory is gone or unreadable: the spool reports that itself
    }
    this.freeBytes = free;
    const bound = Math.max(0, Math.min(this.o.maxBytes, usedBytes + free - this.o.reserveBytes));
    this.bytes = bound;
    if (bound < this.o.maxBytes && (this.loggedBytes === undefined || bound < this.loggedBytes * 0.9)) {
      this.loggedBytes = bound;
      this.log.warn(
        { dir: this.o.dir, effectiveMiB: mib(bound), maxMiB: mib(this.o.maxBytes), usedMiB: mib(usedBytes), freeMiB: mib(free), reserveMiB: mib(this.o.reserveBytes) },
        `spool bound lowered to ${mib(bound)} MiB to fit the free disk space (spool.maxBytes ${mib(this.o.maxBytes)} MiB): the oldest points go first`,
      );
    } else if (bound === this.o.maxBytes && this.loggedBytes !== undefined) {
      this.loggedBytes = undefined;
      this.log.info({ dir: this.o.dir, maxMiB: mib(this.o.maxBytes), freeMiB: mib(free) }, 'spool bound back to spool.maxBytes: the disk has room again');
    }
  }
}
