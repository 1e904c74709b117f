import { close as closeCb, closeSync, existsSync, fsync as fsyncCb, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fsyncDir, writeCursor, type Cursor } from './cursor-file.ts';
import { DiskHealth, isSystemError, type SpoolDiskOp } from './disk-health.ts';
import { FreeSpaceBound, type FreeSpace } from './free-space-bound.ts';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RecordStage, scanRecords } from './record-codec.ts';
import { recoverSegments, resolveCursor, segmentName, type SpoolSegment as Segment } from './segment-recovery.ts';
import { cutTo, makeDir, readAt, salvage, stillLinked, writeAt } from './segment-io.ts';
import { scanSegment } from './segment-scan.ts';
import { writeRejected } from './write-rejected.ts';

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

/** Options of {@link Spool}. */
export interface SpoolOptions {
  /** Directory of the segments and the `ack` file, e.g. `<dataDir>/spool`. Created if missing. */
  dir: string;
  /** Where {@link Spool.setAside} puts rejected batches; default `<dir>/../rejected`. */
  rejectedDir?: string;
  /** Bound of all segments together, bytes; oldest segments go past it. Default {@link DEFAULT_SPOOL_MAX_BYTES}. */
  maxBytes?: number;
  /** fsync period of appended data and of the ack cursor, ms. Default {@link DEFAULT_FSYNC_INTERVAL_MS}. */
  fsyncIntervalMs?: number;
  /** Segment size, bytes. Default {@link DEFAULT_SEGMENT_BYTES}, capped at `maxBytes / 4`. */
  segmentBytes?: number;
  log: Logger;
  /** Wall clock, ms since epoch; names rejected files. Default `Date.now`. */
  now?: () => number;
  /** Bound of points held in memory while the disk refuses writes, bytes. Default {@link DEFAULT_MAX_HELD_BYTES}. */
  maxHeldBytes?: number;
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

/** Lines handed out by {@link Spool.read}; give it back to `ack` or `setAside`. */
export interface SpoolBatch {
  readonly lines: readonly string[];
  readonly start: SpoolPosition;
  readonly end: SpoolPosition;
}

/** Counters and backlog of the spool. */
export interface SpoolStats {
  /** Lines appended but not acknowledged. */
  pendingLines: number;
  /** Bytes on disk of those lines (with framing). */
  pendingBytes: number;
  /** Unacknowledged lines deleted because the spool was full (since start). */
  droppedLines: number;
  /** Lines set aside as rejected (since start). */
  rejectedLines: number;
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

const fsync = promisify(fsyncCb);
const closeFd = promisify(closeCb);

const before = (a: Cursor, b: Cursor): boolean => a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);

/**
 * The durable queue every point passes through on its way to InfluxDB.
 *
 * Append-only segment files `<dir>/NNNNNNNNNNNNNNNN.seg` of CRC-framed records
 * (see record-codec.ts), one line-protocol line per record. `append()`
 * frames the lines into a staging buffer that is handed to the OS in one
 * `write(2)` at the end of the current event-loop turn (`setImmediate`), or
 * at once past {@link STAGE_FLUSH_BYTES}, and always before `read()`,
 * `stats()`, each fsync and `close()`; the spool fsyncs every
 * `fsyncIntervalMs`, never per point. So one serial chunk's points cost one
 * write, not one per message. `read()` returns the oldest
 * unacknowledged lines; `ack()` moves the cursor, which is written atomically
 * to `<dir>/ack` on the same tick; a segment is deleted whole once the
 * persisted cursor is past it.
 *
 * Guarantees:
 * - SIGKILL: lines appended in an event-loop turn that has ended are in the
 *   kernel's page cache, which outlives the process: nothing is lost.
 * - Power cut: at most the last `fsyncIntervalMs` (default 1 s) of appended
 *   lines can be lost (staged lines are written before each fsync). A segment with a torn tail (cut mid-record,
 *   zeros or garbage) is truncated to its last whole record at `open()`, with
 *   a warning; the gateway starts.
 * - Acks are persisted on the same tick, so up to `fsyncIntervalMs` of
 *   acknowledged lines may be sent twice after a crash: harmless, as InfluxDB
 *   overwrites a point with the same series and timestamp. An unreadable or
 *   inconsistent ack file resets the cursor to the oldest segment (resend
 *   everything on disk rather than lose anything), with a warning.
 * - Bounded by `maxBytes`: past it the oldest segment is deleted, its
 *   unacknowledged lines counted in `droppedLines` and logged at warn.
 * - Write amplification (measured in test/spool/spool.test.ts, app level):
 *   8 bytes of framing per record plus a ~20-byte ack file per acknowledged
 *   batch: 92.5 bytes written per 85-byte point (x1.08), and about two fsyncs
 *   per second under steady load (segment + ack file, plus its directory).
 *   Nothing is rewritten in place; segments are only appended and unlinked.
 */
export class Spool {
  private readonly opts: Required<Omit<SpoolOptions, 'log' | 'diskReserveBytes' | 'statfs'>>;
  private readonly log: Logger;
  private readonly ackPath: string;
  private segments: Segment[] = [];
  private cursor: SpoolPosition = { segment: 0, offset: 0, index: 0 };
  private persisted: Cursor = { segment: 0, offset: 0 };
  /** fd of the segment being appended to; -1 while there is none (closed, or the disk refused one). */
  private activeFd = -1;
  /** Highest segment number used; a new segment always gets a higher one. */
  private lastSeq = -1;
  /** fds of full segments, fsynced and closed on the next tick. */
  private retired: number[] = [];
  private closed = true;
  /** The spool directory vanished and could not be made again yet. */
  private dirMissing = false;
  private dirty = false;
  private dirDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  /** Records appended but not yet handed to the OS (and, while the disk refuses them, held). */
  private readonly stage = new RecordStage();
  private readonly stageFlushBytes: number;
  private flushQueued = false;
  private readonly flushSoon = (): void => {
    this.flushQueued = false;
    this.flush();
  };
  private readonly counters = { droppedLines: 0, rejectedLines: 0, bytesWritten: 0, fsyncs: 0 };
  private readonly faults = { heldDroppedLines: 0, damagedLines: 0, lostLines: 0 };
  private readonly health: DiskHealth;
  private readonly bound: FreeSpaceBound;

  constructor(options: SpoolOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.opts = {
      dir: options.dir,
      rejectedDir: options.rejectedDir ?? join(options.dir, '..', 'rejected'),
      maxBytes,
      fsyncIntervalMs: options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS,
      segmentBytes: Math.max(MAX_RECORD_BYTES + RECORD_HEADER_BYTES, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxBytes / 4))),
      now: options.now ?? Date.now,
      maxHeldBytes: options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES,
    };
    this.stageFlushBytes = Math.min(STAGE_FLUSH_BYTES, Math.floor(this.opts.segmentBytes / 4));
    this.log = options.log.child({ stage: 'spool' });
    this.ackPath = join(options.dir, 'ack');
    this.health = new DiskHealth(this.log, options.dir, this.opts.now);
    this.bound = new FreeSpaceBound({ dir: options.dir, maxBytes, reserveBytes: options.diskReserveBytes, statfs: options.statfs, log: this.log });
  }

  /** Recovers what is on disk (see the class comment) and starts the fsync timer. */
  async open(): Promise<OpenReport> {
    mkdirSync(this.opts.dir, { recursive: true });
    const found = recoverSegments(this.opts.dir, this.log);
    const resolved = await resolveCursor(this.ackPath, found, this.log);
    this.segments = resolved.segments;
    this.cursor = resolved.cursor;
    this.persisted = resolved.persisted;
    this.lastSeq = Math.max(this.cursor.segment - 1, this.segments.at(-1)?.seq ?? -1);
    this.closed = false;
    this.bound.check(this.totalBytes(), true);
    this.ensureActive();
    this.timer = setInterval(() => void this.tick(), this.opts.fsyncIntervalMs);
    this.timer.unref();
    const report = { pendingLines: this.stats().pendingLines, truncatedBytes: found.truncatedBytes, cursorReset: resolved.reset, damagedRecords: found.damagedRecords };
    this.log.info(report, 'spool open');
    return report;
  }

  /**
   * Frames `lines` into the staging buffer; they reach the OS (one write for
   * everything staged) at the end of this event-loop turn and are fsynced on
   * the next tick. While the disk refuses writes they are held in memory up
   * to `maxHeldBytes` (then the oldest held go, counted).
   */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.closed) throw new GatewayError('SPOOL_CLOSED', `spool ${this.opts.dir}: append while closed`);
    for (const line of lines) this.stage.add(line);
    if (this.stage.bytes > this.opts.maxHeldBytes && !this.flush()) this.dropHeld();
    if (this.stage.bytes >= this.stageFlushBytes) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushSoon);
    }
  }

  /**
   * Hands the staged records to the OS, at most a segment's room per write
   * (dropping or rotating segments first as needed). False when the disk
   * refused (records stay staged); during a disk problem only the fsync tick
   * (`retry`) tries again.
   */
  private flush(retry = false): boolean {
    if (this.stage.bytes === 0 || this.closed) return true;
    if (this.health.problem && !retry) return false;
    while (this.stage.bytes > 0) {
      while (this.totalBytes() + Math.min(this.stage.bytes, this.opts.segmentBytes) > this.bound.bytes && this.segments.length > 1) this.dropOldest();
      if (!this.ensureActive()) return false;
      let seg = this.segments.at(-1) as Segment;
      if (seg.bytes > 0 && this.stage.prefix(this.opts.segmentBytes - seg.bytes).lines === 0) {
        if (!this.rotate()) return false;
        seg = this.segments.at(-1) as Segment;
      }
      const chunk = this.stage.prefix(Math.max(this.opts.segmentBytes - seg.bytes, MAX_RECORD_BYTES + RECORD_HEADER_BYTES));
      const { written, error } = writeAt(this.activeFd, this.stage.peek(), chunk.bytes, seg.bytes);
      const done = error ? this.stage.prefix(written) : chunk;
      if (done.bytes < written) cutTo(this.activeFd, seg.bytes + done.bytes);
      this.stage.discard(done.bytes, done.lines);
      seg.bytes += done.bytes;
      seg.lines += done.lines;
      this.counters.bytesWritten += done.bytes;
      this.dirty ||= done.bytes > 0;
      if (error) return this.failed('segment append', error);
    }
    return true;
  }

  /** Up to `maxLines` of the oldest unacknowledged lines, or `undefined` when none wait or none can be read now. */
  async read(maxLines: number): Promise<SpoolBatch | undefined> {
    this.flush();
    while (!this.closed) {
      const seg = this.segments.find((s) => s.seq === this.cursor.segment);
      if (!seg) return undefined;
      if (this.cursor.offset >= seg.bytes) {
        const next = this.segments.find((s) => s.seq > seg.seq);
        if (!next || seg === this.segments.at(-1)) return undefined;
        this.cursor = { segment: next.seq, offset: 0, index: 0 };
        continue;
      }
      const start = { ...this.cursor };
      const buf = Buffer.allocUnsafe(Math.min(seg.bytes - start.offset, Math.max(1024 * 1024, MAX_RECORD_BYTES + RECORD_HEADER_BYTES)));
      let got: number;
      try {
        got = await readAt(seg.path, buf, start.offset);
      } catch (err) {
        if (!isSystemError(err)) throw err;
        if (err.code !== 'ENOENT') return void this.failed('segment read', err);
        if (!this.segmentGone(seg)) return undefined;
        continue;
      }
      // Moved meanwhile (a full spool dropped the segment, the directory was recreated): read again.
      if (this.cursor.segment !== start.segment || this.cursor.offset !== start.offset) continue;
      const scan = scanRecords(buf.subarray(0, got), maxLines);
      if (scan.lines.length === 0) {
        if (!(await this.skipDamage(seg, start))) return undefined;
        continue;
      }
      const end = { segment: seg.seq, offset: start.offset + scan.validBytes, index: start.index + scan.lines.length };
      return { lines: scan.lines, start, end };
    }
    return undefined;
  }

  /** Marks `batch` as delivered. Stale batches (their segment was dropped meanwhile) are ignored. */
  async ack(batch: SpoolBatch): Promise<void> {
    if (!before(this.cursor, batch.end)) return;
    if (before(this.cursor, batch.start)) {
      throw new GatewayError('SPOOL_ACK_ORDER', `spool ${this.opts.dir}: ack out of order (batch starts after the oldest unacknowledged line)`);
    }
    this.cursor = { ...batch.end };
  }

  /** Writes `batch` to `<rejectedDir>/<time>.lp` under a `# reason` header, then acknowledges it. */
  async setAside(batch: SpoolBatch, reason: string): Promise<string> {
    const { path, bytes } = await writeRejected(this.opts.rejectedDir, new Date(this.opts.now()), batch.lines, reason);
    this.counters.bytesWritten += bytes;
    this.counters.fsyncs += 1;
    this.counters.rejectedLines += batch.lines.length;
    this.log.warn({ file: path, lines: batch.lines.length, reason }, 'batch rejected by the server: set aside');
    await this.ack(batch);
    return path;
  }

  /** Backlog and counters. */
  stats(): SpoolStats {
    this.flush();
    const live = this.segments.filter((s) => s.seq >= this.cursor.segment);
    const atCursor = live[0]?.seq === this.cursor.segment;
    const problem = this.health.problem;
    return {
      pendingLines: live.reduce((n, s) => n + s.lines, 0) - (atCursor ? this.cursor.index : 0) + this.stage.lines,
      pendingBytes: live.reduce((n, s) => n + s.bytes, 0) - (atCursor ? this.cursor.offset : 0),
      segments: this.segments.length,
      ...this.counters,
      heldLines: this.stage.lines,
      ...this.faults,
      diskErrors: this.health.failures,
      effectiveMaxBytes: this.bound.bytes,
      ...(problem ? { storageProblem: problem.summary } : {}),
    };
  }

  /** fsyncs, persists the cursor, deletes acknowledged segments and closes. Unsent lines stay on disk. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    if (this.activeFd >= 0) this.retired.push(this.activeFd);
    this.activeFd = -1;
    await this.tick();
    if (this.stage.lines > 0) {
      this.log.error({ dir: this.opts.dir, lostLines: this.stage.lines, problem: this.health.problem?.summary }, 'spool closed while the disk refused writes: the points held in memory are lost');
    }
  }

  private totalBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Records a disk failure (logged once per episode); always false, for `return this.failed(...)`. */
  private failed(op: SpoolDiskOp, err: NodeJS.ErrnoException): false {
    this.health.fail(op, err, this.stage.lines);
    return false;
  }

  /** Makes sure a segment is open for appending; false when the disk refuses one. */
  private ensureActive(): boolean {
    if (this.activeFd >= 0) return true;
    if (this.closed || this.dirMissing) return false;
    const seq = Math.max(this.cursor.segment, this.lastSeq + 1);
    const path = join(this.opts.dir, segmentName(seq));
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
    const seg = this.segments.shift() as Segment;
    let lost = 0;
    if (seg.seq >= this.cursor.segment) {
      lost = seg.seq === this.cursor.segment ? seg.lines - this.cursor.index : seg.lines;
      const next = this.segments[0];
      this.cursor = { segment: next.seq, offset: 0, index: 0 };
    }
    this.counters.droppedLines += lost;
    removeFile(seg.path);
    this.log.warn({ segment: seg.path, droppedLines: lost, maxBytes: this.opts.maxBytes, effectiveMaxBytes: this.bound.bytes }, 'spool full: oldest segment deleted');
  }

  /** Past `maxHeldBytes` of held records: the oldest go (down to 7/8 of it, so this is not per append). */
  private dropHeld(): void {
    const cut = this.stage.covering(this.stage.bytes - Math.floor((this.opts.maxHeldBytes * 7) / 8));
    this.stage.discard(cut.bytes, cut.lines);
    if (this.faults.heldDroppedLines === 0) {
      this.log.error({ dir: this.opts.dir, droppedLines: cut.lines, maxHeldBytes: this.opts.maxHeldBytes }, 'spool memory hold full while the disk refuses writes: dropping the oldest held points (counted in heldDroppedLines)');
    }
    this.faults.heldDroppedLines += cut.lines;
  }

  /** A segment file vanished under us; true when reading can go on. */
  private segmentGone(seg: Segment): boolean {
    if (seg === this.segments.at(-1)) {
      this.checkDir(true);
      return !this.dirMissing && this.cursor.segment !== seg.seq;
    }
    const lost = seg.seq === this.cursor.segment ? seg.lines - this.cursor.index : seg.lines;
    this.segments = this.segments.filter((s) => s !== seg);
    const next = this.segments.find((s) => s.seq > seg.seq) as Segment;
    this.cursor = { segment: next.seq, offset: 0, index: 0 };
    this.faults.lostLines += lost;
    this.log.error({ segment: seg.path, lostLines: lost }, 'spool segment deleted by someone else: its unacknowledged points are lost');
    return true;
  }

  /**
   * Skips a damaged record at `at` (a bad sector, a flipped bit): rescans the
   * segment and goes on at the next valid record; the records lost are
   * counted and logged. False when the segment cannot be read now.
   */
  private async skipDamage(seg: Segment, at: SpoolPosition): Promise<boolean> {
    const { bytes, lines } = seg;
    let data: Buffer;
    try {
      data = await readFile(seg.path);
    } catch (err) {
      if (!isSystemError(err)) throw err;
      return err.code === 'ENOENT' ? this.segmentGone(seg) : this.failed('segment read', err);
    }
    if (this.cursor.segment !== at.segment || this.cursor.offset !== at.offset) return true;
    const scan = scanSegment(data.subarray(0, bytes));
    const next = scan.starts.find((s) => s > at.offset) ?? bytes;
    const lost = Math.max(0, lines - scan.ends.length);
    seg.lines -= lost;
    this.cursor = { segment: seg.seq, offset: next, index: scan.ends.filter((e) => e <= next).length };
    this.faults.damagedLines += lost;
    this.log.warn({ segment: seg.path, at: at.offset, skippedBytes: next - at.offset, lostLines: lost }, 'spool record damaged (bad sector?): skipped, reading goes on at the next valid record');
    return true;
  }

  /**
   * The active segment's name is gone (dataDir deleted, replaced or
   * unmounted): the unacknowledged records of the open segment are saved
   * from its fd, those of other deleted segments are counted as lost, and a
   * new directory and segment are made (or, while that fails, points are
   * held in memory and this is retried every tick).
   */
  private checkDir(force = false): void {
    if (this.closed) return;
    if (!this.dirMissing && !force) {
      const seg = this.segments.at(-1);
      if (this.activeFd >= 0 ? stillLinked(this.activeFd, (seg as Segment).path) : existsSync(this.opts.dir)) return;
    }
    if (!this.dirMissing) this.abandonFiles();
    try {
      makeDir(this.opts.dir);
    } catch (err) {
      if (!isSystemError(err)) throw err;
      this.dirMissing = true;
      this.failed('spool directory', err);
      return;
    }
    this.dirMissing = false;
    this.persisted = { segment: -1, offset: -1 }; // the ack file went with the directory
    this.dirDirty = true;
    if (this.ensureActive()) this.flush();
  }

  private abandonFiles(): void {
    const active = this.activeFd >= 0 ? this.segments.at(-1) : undefined;
    let saved: { records: Buffer; lines: number } = { records: Buffer.alloc(0), lines: 0 };
    let unsaved = 0;
    if (active) {
      const atCursor = active.seq === this.cursor.segment;
      saved = salvage(this.activeFd, atCursor ? this.cursor.offset : 0, active.bytes);
      unsaved = Math.max(0, active.lines - (atCursor ? this.cursor.index : 0) - saved.lines);
    }
    for (const fd of [...this.retired, this.activeFd]) if (fd >= 0) closeQuietly(fd);
    this.retired = [];
    this.activeFd = -1;
    const kept = this.segments.filter((s) => s !== active && existsSync(s.path));
    const lost = this.segments.filter((s) => s !== active && !kept.includes(s) && s.seq >= this.cursor.segment)
      .reduce((n, s) => n + s.lines - (s.seq === this.cursor.segment ? this.cursor.index : 0), unsaved);
    this.segments = kept;
    if (!kept.some((s) => s.seq === this.cursor.segment)) {
      this.cursor = { segment: kept.find((s) => s.seq > this.cursor.segment)?.seq ?? this.lastSeq + 1, offset: 0, index: 0 };
    }
    this.stage.prepend(saved.records, saved.lines);
    this.faults.lostLines += lost;
    this.log.error(
      { dir: this.opts.dir, lostLines: lost, savedLines: saved.lines },
      'spool directory deleted, replaced or unmounted while running: making it again; points from now on are kept, unacknowledged points in the deleted files are lost',
    );
  }

  private tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.sync()).catch((err: unknown) => this.log.error({ err }, 'spool fsync tick failed'));
    return this.ticking;
  }

  /** One fsync tick: data, then directory entries, then the cursor, then acknowledged segments go. Disk errors are counted, never thrown. */
  private async sync(): Promise<void> {
    this.checkDir();
    this.bound.check(this.totalBytes());
    let ok = this.flush(true);
    for (const fd of this.retired.splice(0)) {
      ok = (await this.attempt('segment fsync', () => fsync(fd))) && ok;
      await closeFd(fd).catch(() => undefined);
    }
    ok = this.flush(true) && ok;
    if (this.dirty && this.activeFd >= 0) {
      this.dirty = false;
      const fd = this.activeFd;
      if (!(await this.attempt('segment fsync', () => fsync(fd)))) {
        this.dirty = true;
        ok = false;
      }
    }
    if (this.dirDirty && !this.dirMissing) {
      this.dirDirty = false;
      if (!(await this.attempt('directory fsync', () => fsyncDir(this.opts.dir)))) {
        this.dirDirty = true;
        ok = false;
      }
    }
    const cursor = { segment: this.cursor.segment, offset: this.cursor.offset };
    if (!this.dirMissing && (cursor.segment !== this.persisted.segment || cursor.offset !== this.persisted.offset)) {
      const wrote = await this.attempt('ack cursor', async () => {
        this.counters.bytesWritten += await writeCursor(this.ackPath, cursor);
        this.counters.fsyncs += 1;
      });
      if (wrote) this.persisted = cursor;
      // A full disk may refuse the ack file: acknowledged segments go anyway (a crash then resends, never loses).
      else await this.deleteBefore(cursor.segment);
      ok &&= wrote;
    }
    await this.deleteBefore(this.persisted.segment);
    if (ok && this.stage.bytes === 0 && !this.dirMissing) this.health.recovered({ heldDroppedLines: this.faults.heldDroppedLines, lostLines: this.faults.lostLines });
  }

  /** Runs one fsync-tick disk operation; a system error is counted and logged once per episode. */
  private async attempt(op: SpoolDiskOp, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      this.counters.fsyncs += 1;
      return true;
    } catch (err) {
      if (!isSystemError(err)) throw err;
      return this.failed(op, err);
    }
  }

  /** Deletes segments wholly before segment `seq` (acknowledged). */
  private async deleteBefore(seq: number): Promise<void> {
    for (const seg of this.segments.filter((s) => s.seq < seq)) {
      this.segments = this.segments.filter((s) => s !== seg);
      await unlink(seg.path).catch(() => undefined);
    }
  }
}

const removeFile = (path: string): void => {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or a read-only disk: open() deletes it once it is before the cursor
  }
};

const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {
    // an fd of a vanished file system
  }
};
