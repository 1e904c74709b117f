import { openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import type { Cursor } from './cursor-file.ts';
import { DiskHealth, isSystemError, type SpoolDiskOp } from './disk-health.ts';
import { FreeSpaceBound, type FreeSpace } from './free-space-bound.ts';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RecordStage } from './record-codec.ts';
import { RecentRecords } from './recent-records.ts';
import { cutTo, writeAt } from './segment-io.ts';
import { SegmentReader } from './segment-reader.ts';
import { segmentName, type IndexedCursor, type SpoolSegment } from './segment-recovery.ts';

/** Options of {@link SegmentStore} (the spool's, resolved). */
export interface SegmentStoreOptions {
  dir: string;
  /** Configured bound of all segments, bytes. */
  maxBytes: number;
  segmentBytes: number;
  /** Bound of records held in memory while the disk refuses them, bytes. */
  maxHeldBytes: number;
  /** Bound of the copies of just-written records (recent-records.ts), bytes. */
  recentBytes: number;
  diskReserveBytes?: number;
  statfs?: (dir: string) => FreeSpace;
  now: () => number;
  log: Logger;
  /** The spool's counters, shared: bytes written, lines dropped. */
  counters: { bytesWritten: number; droppedLines: number };
}

/**
 * The spool's segment files and the write path into them: the staged
 * records, the open segment, rotation, the bound (the configured one or, when
 * the disk has less room, the free-space one) and the disk-problem state.
 * A write the disk refuses (ENOSPC, EIO, EROFS) keeps the records staged,
 * cuts a torn record back, and is counted by {@link DiskHealth}; it is
 * retried on the fsync tick, never thrown.
 */
export class SegmentStore {
  segments: SpoolSegment[] = [];
  cursor: IndexedCursor = { segment: 0, offset: 0, index: 0 };
  persisted: Cursor = { segment: 0, offset: 0 };
  /** fd of the segment being appended to; -1 while there is none (closed, or the disk refused one). */
  activeFd = -1;
  /** Highest segment number used; a new segment always gets a higher one. */
  lastSeq = -1;
  /** fds of full segments, fsynced and closed on the next tick. */
  retired: number[] = [];
  closed = true;
  /** The spool directory vanished and could not be made again yet. */
  dirMissing = false;
  dirty = false;
  dirDirty = false;
  /** Records appended but not yet handed to the OS (and, while the disk refuses them, held). */
  readonly stage = new RecordStage();
  /** The read fd of the segment being read (segment-reader.ts). */
  readonly reader = new SegmentReader();
  /** Copies of what was just written to the active segment, which `read()` serves from memory. */
  readonly recent: RecentRecords;
  readonly faults = { heldDroppedLines: 0, damagedLines: 0, lostLines: 0 };
  readonly health: DiskHealth;
  readonly bound: FreeSpaceBound;

  constructor(readonly o: SegmentStoreOptions) {
    this.health = new DiskHealth(o.log, o.dir, o.now);
    this.recent = new RecentRecords(o.recentBytes);
    this.bound = new FreeSpaceBound({ dir: o.dir, maxBytes: o.maxBytes, reserveBytes: o.diskReserveBytes, statfs: o.statfs, log: o.log });
  }

  totalBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Records a disk failure (logged once per episode); always false, for `return this.failed(...)`. */
  failed(op: SpoolDiskOp, err: NodeJS.ErrnoException): false {
    this.health.fail(op, err, this.stage.lines);
    return false;
  }

  /**
   * Hands the staged records to the OS, at most a segment's room per write
   * (dropping or rotating segments first as needed). False when the disk
   * refused (records stay staged); during a disk problem only the fsync tick
   * (`retry`) tries again.
   */
  flush(retry = false): boolean {
    if (this.stage.bytes === 0 || this.closed) return true;
    if (this.health.problem && !retry) return false;
    const { segmentBytes } = this.o;
    while (this.stage.bytes > 0) {
      while (this.totalBytes() + Math.min(this.stage.bytes, segmentBytes) > this.bound.bytes && this.segments.length > 1) this.dropOldest();
      if (!this.ensureActive()) return false;
      let seg = this.segments.at(-1) as SpoolSegment;
      if (seg.bytes > 0 && this.stage.prefix(segmentBytes - seg.bytes).lines === 0) {
        if (!this.rotate()) return false;
        seg = this.segments.at(-1) as SpoolSegment;
      }
      const chunk = this.stage.prefix(Math.max(segmentBytes - seg.bytes, MAX_RECORD_BYTES + RECORD_HEADER_BYTES));
      const { written, error } = writeAt(this.activeFd, this.stage.peek(), chunk.bytes, seg.bytes);
      const done = error ? this.stage.prefix(written) : chunk;
      if (done.bytes < written) cutTo(this.activeFd, seg.bytes + done.bytes);
      if (error) this.recent.clear();
      else this.recent.add(seg.seq, seg.bytes, this.stage.peek().subarray(0, done.bytes));
      this.stage.discard(done.bytes, done.lines);
      seg.bytes += done.bytes;
      seg.lines += done.lines;
      this.o.counters.bytesWritten += done.bytes;
      this.dirty ||= done.bytes > 0;
      if (error) return this.failed('segment append', error);
    }
    return true;
  }

  /** Makes sure a segment is open for appending; false when the disk refuses one. */
  ensureActive(): boolean {
    if (this.activeFd >= 0) return true;
    if (this.closed || this.dirMissing) return false;
    const seq = Math.max(this.cursor.segment, this.lastSeq + 1);
    const path = join(this.o.dir, segmentName(seq));
    try {
      this.activeFd = openSync(path, 'wx+'); // readable too: its records can be saved if the file is deleted
    } catch (err) {
      if (!isSystemError(err)) throw err;
      return this.failed('segment creation', err);
    }
    this.lastSeq = seq;
    this.segments.push({ seq, path, bytes: 0, lines: 0 });
    this.dirDirty = true;
    return true;
  }

  /** Past `maxHeldBytes` of held records: the oldest go (down to 7/8 of it, so this is not per append). */
  dropHeld(): void {
    const cut = this.stage.covering(this.stage.bytes - Math.floor((this.o.maxHeldBytes * 7) / 8));
    this.stage.discard(cut.bytes, cut.lines);
    if (this.faults.heldDroppedLines === 0) {
      this.o.log.error(
        { dir: this.o.dir, droppedLines: cut.lines, maxHeldBytes: this.o.maxHeldBytes },
        'spool memory hold full while the disk refuses writes: dropping the oldest held points (counted in heldDroppedLines)',
      );
    }
    this.faults.heldDroppedLines += cut.lines;
  }

  private rotate(): boolean {
    const old = this.activeFd;
    this.activeFd = -1;
    if (!this.ensureActive()) {
      this.activeFd = old;
      return false;
    }
    this.retired.push(old);
    return true;
  }

  private dropOldest(): void {
    const seg = this.segments.shift() as SpoolSegment;
    let lost = 0;
    if (seg.seq >= this.cursor.segment) {
      lost = seg.seq === this.cursor.segment ? seg.lines - this.cursor.index : seg.lines;
      this.cursor = { segment: this.segments[0].seq, offset: 0, index: 0 };
    }
    this.o.counters.droppedLines += lost;
    this.reader.forget(seg);
    try {
      unlinkSync(seg.path);
    } catch {
      // already gone, or a read-only disk: open() deletes it once it is before the cursor
    }
    this.o.log.warn({ segment: seg.path, droppedLines: lost, maxBytes: this.o.maxBytes, effectiveMaxBytes: this.bound.bytes }, 'spool full: oldest segment deleted');
  }
}
