import type { Logger } from '../log.ts';
import type { Cursor } from './cursor-file.ts';
import type { FreeSpace } from './free-space-bound.ts';

/** Default bound of the spool on disk: 256 MiB. */
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Default fsync period, ms: the most accepted data a power cut can take. */
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
/** Default segment size, bytes (at most a quarter of `maxBytes`). */
export const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Staged records are written at once past this many bytes (or a quarter of the segment size, if less). */
export const STAGE_FLUSH_BYTES = 64 * 1024;
/**
 * Default bound of the points held in memory while the disk refuses writes:
 * 16 MiB of framed records, about 180,000 points of ~90 bytes. Past it the
 * oldest held points are dropped, counted and logged.
 */
export const DEFAULT_MAX_HELD_BYTES = 16 * 1024 * 1024;

/**
 * Default bound of the copies of just-written records that `read()` serves
 * from memory: 1 MiB, about 7,000 points, more than a full batch (5,000).
 */
export const DEFAULT_RECENT_BYTES = 1024 * 1024;

/** Options of {@link Spool}. */
export interface SpoolOptions {
  /** Directory of the segments and the `ack` file, e.g. `<dataDir>/spool`. Created if missing. */
  dir: string;
  /** Bound of all segments together, bytes; oldest segments go past it. Default {@link DEFAULT_SPOOL_MAX_BYTES}. */
  maxBytes?: number;
  /** fsync period of appended data and of the ack cursor, ms. Default {@link DEFAULT_FSYNC_INTERVAL_MS}. */
  fsyncIntervalMs?: number;
  /** Segment size, bytes. Default {@link DEFAULT_SEGMENT_BYTES}, capped at `maxBytes / 4`. */
  segmentBytes?: number;
  log: Logger;
  /** Wall clock, ms since epoch (disk-health episodes, free-space checks). Default `Date.now`. */
  now?: () => number;
  /** Bound of points held in memory while the disk refuses writes, bytes. Default {@link DEFAULT_MAX_HELD_BYTES}. */
  maxHeldBytes?: number;
  /**
   * Bound of the copies of just-written records kept to serve `read()` from
   * memory (recent-records.ts), bytes; 0 reads everything back from the file.
   * Default {@link DEFAULT_RECENT_BYTES}.
   */
  recentBytes?: number;
  /** Free space the spool leaves to others on its filesystem, bytes. Default 16 MiB (free-space-bound.ts). */
  diskReserveBytes?: number;
  /** Free-space measurement of the spool directory; default `fs.statfsSync` (tests inject one). */
  statfs?: (dir: string) => FreeSpace;
}

/** What {@link Spool.open} found on disk. */
export interface OpenReport {
  /** Unacknowledged lines that will be sent again. */
  pendingLines: number;
  /** Bytes cut off torn or garbage tails of segments (power cut). */
  truncatedBytes: number;
  /** True when the ack file was unreadable or inconsistent and reading restarts at the oldest segment. */
  cursorReset: boolean;
  /** Damaged records in the middle of segments, skipped (the records after them are kept). */
  damagedRecords: number;
}

/** A position in the spool: segment, byte offset, record index in that segment. */
export interface SpoolPosition extends Cursor {
  index: number;
}

export { SpoolBatch } from './spool-batch.ts';

/** Counters and backlog of the spool. */
export interface SpoolStats {
  /** Lines appended but not acknowledged. */
  pendingLines: number;
  /** Bytes on disk of those lines (with framing). */
  pendingBytes: number;
  /** Unacknowledged lines deleted because the spool was full (since start). */
  droppedLines: number;
  /** Segment files on disk. */
  segments: number;
  /** Bytes this process wrote to disk: records, ack files, rejected files. */
  bytesWritten: number;
  /** fsync calls on segments and ack files. */
  fsyncs: number;
  /** Lines held in memory because the disk refused them (counted in `pendingLines` too). */
  heldLines: number;
  /** Held lines dropped past `maxHeldBytes` (since start). */
  heldDroppedLines: number;
  /** Damaged records skipped while reading (since start; those found at open are in {@link OpenReport}). */
  damagedLines: number;
  /** Unacknowledged lines lost because someone deleted their segment files (since start). */
  lostLines: number;
  /** Failed disk operations (since start). */
  diskErrors: number;
  /** The bound in force, bytes: `maxBytes`, or less when the disk has less room. */
  effectiveMaxBytes: number;
  /** Short words on the current storage problem (`disk full`, `disk read-only`, ...); absent while writes work. */
  storageProblem?: string;
}
