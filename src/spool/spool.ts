import { close as closeCb, fsync as fsyncCb, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import type { BatchLease, BatchScratch } from './batch-scratch.ts';
import type { Logger } from '../log.ts';
import { fsyncDir, writeCursor, type Cursor } from './cursor-file.ts';
import { isSystemError, type SpoolDiskOp } from './disk-health.ts';
import { joinPayloads, MAX_RECORD_BYTES, type JoinedPayloads, RECORD_HEADER_BYTES, type RecordEncoder, TEXT_RECORDS } from './record-codec.ts';
import { checkDir, segmentGone, skipDamage } from './segment-loss.ts';
import { recoverSegments, resolveCursor } from './segment-recovery.ts';
import { SegmentStore } from './segment-store.ts';
import {
  DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_MAX_HELD_BYTES, DEFAULT_RECENT_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_SPOOL_MAX_BYTES, STAGE_FLUSH_BYTES,
  SpoolBatch, type OpenReport, type SpoolPosition, type SpoolOptions, type SpoolStats,
} from './spool-types.ts';

export * from './spool-types.ts';

const fsync = promisify(fsyncCb);
const closeFd = promisify(closeCb);

/** The batch of `joined` records read at `start`. */
const batchAt = (start: SpoolPosition, joined: JoinedPayloads, lease: BatchLease | undefined): SpoolBatch =>
  new SpoolBatch(joined.body, joined.count, start, { segment: start.segment, offset: start.offset + joined.takenBytes, index: start.index + joined.count }, lease);

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
 * write, not one per message. `read()` returns the oldest unacknowledged
 * lines, through one fd kept open on the segment being read
 * (segment-reader.ts: checked against the segment's name before each read,
 * closed once reading leaves the segment or it is deleted); `ack()` moves
 * the cursor, which is written atomically to `<dir>/ack` on the same tick; a
 * segment is deleted whole once the persisted cursor is past it.
 *
 * Guarantees:
 * - SIGKILL: lines appended in an event-loop turn that has ended are in the
 *   kernel's page cache, which outlives the process: nothing is lost.
 * - Power cut: at most the last `fsyncIntervalMs` (default 1 s) of appended
 *   lines can be lost (staged lines are written before each fsync). A segment with a torn tail (cut mid-record,
 *   zeros or garbage) is truncated to its last whole record at `open()`, with
 *   a warning; the gateway starts.
 * - A damaged record mid-segment (a flipped bit, a bad SD sector), found at
 *   `open()` or by `read()`: skipped and counted, reading resynchronises on
 *   the next valid record (segment-scan.ts); only a torn tail is cut.
 * - Disk full, EIO, read-only (on any write, fsync, segment or ack file):
 *   never thrown. Logged at error once per episode and counted; unwritten
 *   records stay in memory (bounded by `maxHeldBytes`, then the oldest go,
 *   counted), a torn record is cut back first, and the fsync tick retries;
 *   `stats().storageProblem` says what is wrong. The bound follows the free
 *   space (free-space-bound.ts), so the spool drops its oldest before the
 *   disk refuses.
 * - Spool directory deleted, replaced or unmounted while running: found on
 *   the next tick (or read), made again; the open segment's unacknowledged
 *   records are saved from its fd, those of other deleted files counted as
 *   lost; while it cannot be made, points are held in memory (segment-loss.ts).
 *   `read()` then returns `undefined`, never spins or throws.
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
  /** Segments, cursor, the open segment and the write path (segment-store.ts). */
  private readonly s: SegmentStore;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private readonly stageFlushBytes: number;
  private flushQueued = false;
  private readonly flushSoon = (): void => {
    this.flushQueued = false;
    this.s.flush();
  };
  private readonly counters = { droppedLines: 0, bytesWritten: 0, fsyncs: 0 };

  constructor(options: SpoolOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.opts = {
      dir: options.dir,
      maxBytes,
      fsyncIntervalMs: options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS,
      segmentBytes: Math.max(MAX_RECORD_BYTES + RECORD_HEADER_BYTES, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxBytes / 4))),
      now: options.now ?? Date.now,
      maxHeldBytes: options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES,
      recentBytes: options.recentBytes ?? DEFAULT_RECENT_BYTES,
    };
    this.stageFlushBytes = Math.min(STAGE_FLUSH_BYTES, Math.floor(this.opts.segmentBytes / 4));
    this.log = options.log.child({ stage: 'spool' });
    this.ackPath = join(options.dir, 'ack');
    this.s = new SegmentStore({
      ...this.opts, diskReserveBytes: options.diskReserveBytes, statfs: options.statfs, log: this.log, counters: this.counters,
    });
  }

  /** Recovers what is on disk (see the class comment) and starts the fsync timer. */
  async open(): Promise<OpenReport> {
    const { s } = this;
    mkdirSync(this.opts.dir, { recursive: true });
    const found = recoverSegments(this.opts.dir, this.log);
    const resolved = await resolveCursor(this.ackPath, found, this.log);
    s.segments = resolved.segments;
    s.cursor = resolved.cursor;
    s.persisted = resolved.persisted;
    s.lastSeq = Math.max(s.cursor.segment - 1, s.segments.at(-1)?.seq ?? -1);
    s.closed = false;
    s.bound.check(s.totalBytes(), true);
    s.ensureActive();
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
  append(lines: readonly string[]): void;
  /** Appends `items`, each written as its record's payload by `encoder` (a point as its line: src/points/line-bytes.ts). */
  append<T>(items: readonly T[], encoder: RecordEncoder<T>): void;
  append(items: readonly unknown[], encoder: RecordEncoder<unknown> = TEXT_RECORDS as RecordEncoder<unknown>): void {
    if (items.length === 0) return;
    const { s } = this;
    if (s.closed) throw new GatewayError('SPOOL_CLOSED', `spool ${this.opts.dir}: append while closed`);
    for (const item of items) s.stage.addWith(item, encoder);
    if (s.stage.bytes > this.opts.maxHeldBytes && !s.flush()) s.dropHeld();
    if (s.stage.bytes >= this.stageFlushBytes) s.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushSoon);
    }
  }

  /**
   * Up to `maxLines` of the oldest unacknowledged lines, or `undefined` when
   * none wait or none can be read now. Lines just written to the segment
   * being appended to come from memory (recent-records.ts); older ones are
   * read back from their segment and their CRCs checked. With `scratch`,
   * the batch's bytes go into its buffers (no new Buffer per batch; the
   * batch is valid until the next read with it, see batch-scratch.ts).
   */
  async read(maxLines: number, scratch?: BatchScratch): Promise<SpoolBatch | undefined> {
    const { s } = this;
    s.flush();
    const lease = scratch && { scratch, generation: scratch.next() };
    const body = scratch ? (size: number) => scratch.body(size) : Buffer.allocUnsafe;
    while (!s.closed) {
      const seg = s.segments.find((x) => x.seq === s.cursor.segment);
      if (!seg) return undefined;
      if (s.cursor.offset >= seg.bytes) {
        const next = s.segments.find((x) => x.seq > seg.seq);
        if (!next || seg === s.segments.at(-1)) return undefined;
        s.cursor = { segment: next.seq, offset: 0, index: 0 };
        continue;
      }
      const start = { ...s.cursor };
      const held = s.recent.from(seg.seq, start.offset);
      if (held) {
        const got = joinPayloads(held, maxLines, false, body);
        if (got.count > 0) return batchAt(start, got, lease);
      }
      const size = Math.min(seg.bytes - start.offset, Math.max(1024 * 1024, MAX_RECORD_BYTES + RECORD_HEADER_BYTES));
      const buf = scratch ? scratch.file(size) : Buffer.allocUnsafe(size);
      let got: number;
      try {
        got = await s.reader.read(seg, buf, start.offset);
      } catch (err) {
        if (!isSystemError(err)) throw err;
        if (err.code !== 'ENOENT') return void s.failed('segment read', err);
        if (!segmentGone(s, seg)) return undefined;
        continue;
      }
      // Moved meanwhile (a full spool dropped the segment, the directory was made again): read again.
      if (s.cursor.segment !== start.segment || s.cursor.offset !== start.offset) continue;
      const joined = joinPayloads([buf.subarray(0, got)], maxLines, true, body);
      if (joined.count === 0) {
        if (!(await skipDamage(s, seg, start))) return undefined;
        continue;
      }
      return batchAt(start, joined, lease);
    }
    return undefined;
  }

  /** Marks `batch` as delivered. Stale batches (their segment was dropped meanwhile) are ignored. */
  async ack(batch: SpoolBatch): Promise<void> {
    if (!before(this.s.cursor, batch.end)) return;
    if (before(this.s.cursor, batch.start)) {
      throw new GatewayError('SPOOL_ACK_ORDER', `spool ${this.opts.dir}: ack out of order (batch starts after the oldest unacknowledged line)`);
    }
    this.s.cursor = { ...batch.end };
  }

  /** Backlog and counters. */
  stats(): SpoolStats {
    const { s } = this;
    s.flush();
    const live = s.segments.filter((x) => x.seq >= s.cursor.segment);
    const atCursor = live[0]?.seq === s.cursor.segment;
    const problem = s.health.problem;
    return {
      pendingLines: live.reduce((n, x) => n + x.lines, 0) - (atCursor ? s.cursor.index : 0) + s.stage.lines,
      pendingBytes: live.reduce((n, x) => n + x.bytes, 0) - (atCursor ? s.cursor.offset : 0),
      segments: s.segments.length,
      ...this.counters,
      heldLines: s.stage.lines,
      ...s.faults,
      diskErrors: s.health.failures,
      effectiveMaxBytes: s.bound.bytes,
      ...(problem ? { storageProblem: problem.summary } : {}),
    };
  }

  /** fsyncs, persists the cursor, deletes acknowledged segments and closes. Unsent lines stay on disk. */
  async close(): Promise<void> {
    const { s } = this;
    clearInterval(this.timer);
    if (s.closed) return;
    s.flush(true);
    s.closed = true;
    s.reader.release();
    if (s.activeFd >= 0) s.retired.push(s.activeFd);
    s.activeFd = -1;
    await this.tick();
    if (s.stage.lines > 0) {
      this.log.error({ dir: this.opts.dir, lostLines: s.stage.lines, problem: s.health.problem?.summary }, 'spool closed while the disk refused writes: the points held in memory are lost');
    }
  }

  private tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.sync()).catch((err: unknown) => this.log.error({ err }, 'spool fsync tick failed'));
    return this.ticking;
  }

  /** One fsync tick: data, then directory entries, then the cursor, then acknowledged segments go. Disk errors are counted, never thrown. */
  private async sync(): Promise<void> {
    const { s } = this;
    checkDir(s);
    s.reader.check();
    s.bound.check(s.totalBytes());
    let ok = s.flush(true);
    for (const fd of s.retired.splice(0)) {
      ok = (await this.attempt('segment fsync', () => fsync(fd))) && ok;
      await closeFd(fd).catch(() => undefined);
    }
    ok = s.flush(true) && ok;
    if (s.dirty && s.activeFd >= 0) {
      s.dirty = false;
      const fd = s.activeFd;
      if (!(await this.attempt('segment fsync', () => fsync(fd)))) {
        s.dirty = true;
        ok = false;
      }
    }
    if (s.dirDirty && !s.dirMissing) {
      s.dirDirty = false;
      if (!(await this.attempt('directory fsync', () => fsyncDir(this.opts.dir)))) {
        s.dirDirty = true;
        ok = false;
      }
    }
    const cursor = { segment: s.cursor.segment, offset: s.cursor.offset };
    if (!s.dirMissing && (cursor.segment !== s.persisted.segment || cursor.offset !== s.persisted.offset)) {
      const wrote = await this.attempt('ack cursor', async () => {
        this.counters.bytesWritten += await writeCursor(this.ackPath, cursor);
        this.counters.fsyncs += 1;
      });
      if (wrote) s.persisted = cursor;
      // A full disk may refuse the ack file: acknowledged segments go anyway (a crash then resends, never loses).
      else await this.deleteBefore(cursor.segment);
      ok &&= wrote;
    }
    await this.deleteBefore(s.persisted.segment);
    if (ok && s.stage.bytes === 0 && !s.dirMissing) s.health.recovered({ heldDroppedLines: s.faults.heldDroppedLines, lostLines: s.faults.lostLines });
  }

  /** Runs one fsync-tick disk operation; a system error is counted and logged once per episode. */
  private async attempt(op: SpoolDiskOp, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      this.counters.fsyncs += 1;
      return true;
    } catch (err) {
      if (!isSystemError(err)) throw err;
      return this.s.failed(op, err);
    }
  }

  /** Deletes segments wholly before segment `seq` (acknowledged). */
  private async deleteBefore(seq: number): Promise<void> {
    for (const seg of this.s.segments.filter((x) => x.seq < seq)) {
      this.s.segments = this.s.segments.filter((x) => x !== seg);
      this.s.reader.forget(seg);
      await unlink(seg.path).catch(() => undefined);
    }
  }
}
