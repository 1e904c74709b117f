import { close as closeCb, existsSync, fsync as fsyncCb, mkdirSync, openSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fsyncDir, readCursor, writeCursor, type Cursor } from './cursor-file.ts';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RecordStage, scanRecords } from './record-codec.ts';
import { writeRejected } from './write-rejected.ts';

/** Default bound of the spool on disk: 256 MiB. */
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Default fsync period, ms: the most accepted data a power cut can take. */
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
/** Default segment size, bytes (at most a quarter of `maxBytes`). */
export const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Staged records are written at once past this many bytes (or a quarter of the segment size, if less). */
export const STAGE_FLUSH_BYTES = 64 * 1024;

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
}

/** What {@link Spool.open} found on disk. */
export interface OpenReport {
  /** Unacknowledged lines that will be sent again. */
  pendingLines: number;
  /** Bytes cut off torn or garbage tails of segments (power cut). */
  truncatedBytes: number;
  /** True when the ack file was unreadable or inconsistent and reading restarts at the oldest segment. */
  cursorReset: boolean;
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
}

interface Segment {
  seq: number;
  path: string;
  bytes: number;
  lines: number;
}

const fsync = promisify(fsyncCb);
const closeFd = promisify(closeCb);

const SEGMENT_NAME = /^(\d{16})\.seg$/;
const segmentName = (seq: number): string => `${String(seq).padStart(16, '0')}.seg`;
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
  private readonly opts: Required<Omit<SpoolOptions, 'log'>>;
  private readonly log: Logger;
  private readonly ackPath: string;
  private segments: Segment[] = [];
  private cursor: SpoolPosition = { segment: 0, offset: 0, index: 0 };
  private persisted: Cursor = { segment: 0, offset: 0 };
  /** fd of the segment being appended to, -1 when closed. */
  private activeFd = -1;
  /** fds of full segments, fsynced and closed on the next tick. */
  private retired: number[] = [];
  private dirty = false;
  private dirDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  /** Records appended but not yet handed to the OS. */
  private readonly stage = new RecordStage();
  private readonly stageFlushBytes: number;
  private flushQueued = false;
  private readonly flushSoon = (): void => {
    this.flushQueued = false;
    this.flush();
  };
  private readonly counters = { droppedLines: 0, rejectedLines: 0, bytesWritten: 0, fsyncs: 0 };

  constructor(options: SpoolOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.opts = {
      dir: options.dir,
      rejectedDir: options.rejectedDir ?? join(options.dir, '..', 'rejected'),
      maxBytes,
      fsyncIntervalMs: options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS,
      segmentBytes: Math.max(MAX_RECORD_BYTES + RECORD_HEADER_BYTES, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxBytes / 4))),
      now: options.now ?? Date.now,
    };
    this.stageFlushBytes = Math.min(STAGE_FLUSH_BYTES, Math.floor(this.opts.segmentBytes / 4));
    this.log = options.log.child({ stage: 'spool' });
    this.ackPath = join(options.dir, 'ack');
  }

  /** Recovers what is on disk (see the class comment) and starts the fsync timer. */
  async open(): Promise<OpenReport> {
    mkdirSync(this.opts.dir, { recursive: true });
    let truncatedBytes = 0;
    const ends = new Map<number, number[]>();
    for (const name of readdirSync(this.opts.dir).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (!match) continue;
      const path = join(this.opts.dir, name);
      const data = readFileSync(path);
      const scan = scanRecords(data, Infinity, false);
      if (scan.validBytes < data.length) {
        truncatedBytes += data.length - scan.validBytes;
        this.log.warn(
          { segment: name, keptBytes: scan.validBytes, cutBytes: data.length - scan.validBytes, keptLines: scan.ends.length },
          'spool segment has a torn or corrupt tail (power cut?): kept the whole records before it',
        );
        truncateSync(path, scan.validBytes);
      }
      if (scan.validBytes === 0) {
        unlinkSync(path);
        continue;
      }
      this.segments.push({ seq: Number(match[1]), path, bytes: scan.validBytes, lines: scan.ends.length });
      ends.set(Number(match[1]), scan.ends);
    }
    const cursorReset = await this.resolveCursor(ends);
    this.startSegment(Math.max(this.cursor.segment, (this.segments.at(-1)?.seq ?? -1) + 1));
    this.timer = setInterval(() => void this.tick(), this.opts.fsyncIntervalMs);
    this.timer.unref();
    const report = { pendingLines: this.stats().pendingLines, truncatedBytes, cursorReset };
    this.log.info(report, 'spool open');
    return report;
  }

  /**
   * Frames `lines` into the staging buffer; they reach the OS (one write for
   * everything staged) at the end of this event-loop turn and are fsynced on
   * the next tick.
   */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.activeFd < 0) throw new GatewayError('SPOOL_CLOSED', `spool ${this.opts.dir}: append while closed`);
    for (const line of lines) this.stage.add(line);
    if (this.stage.bytes >= this.stageFlushBytes) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushSoon);
    }
  }

  /** Hands the staged records to the OS in one write (dropping or rotating segments first as needed). */
  private flush(): void {
    if (this.stage.bytes === 0 || this.activeFd < 0) return;
    const length = this.stage.bytes;
    const count = this.stage.lines;
    while (this.totalBytes() + length > this.opts.maxBytes && this.segments.length > 1) this.dropOldest();
    const seg = this.segments.at(-1) as Segment;
    if (seg.bytes > 0 && seg.bytes + length > this.opts.segmentBytes) this.rotate();
    const buf = this.stage.take();
    for (let at = 0; at < length; ) at += writeSync(this.activeFd, buf, at, length - at);
    const now = this.segments.at(-1) as Segment;
    now.bytes += length;
    now.lines += count;
    this.counters.bytesWritten += length;
    this.dirty = true;
  }

  /** Up to `maxLines` of the oldest unacknowledged lines, or `undefined` when none wait. */
  async read(maxLines: number): Promise<SpoolBatch | undefined> {
    this.flush();
    for (;;) {
      const seg = this.segments.find((s) => s.seq === this.cursor.segment);
      if (!seg) return undefined;
      if (this.cursor.offset >= seg.bytes) {
        const next = this.segments.find((s) => s.seq > seg.seq);
        if (!next || seg === this.segments.at(-1)) return undefined;
        this.cursor = { segment: next.seq, offset: 0, index: 0 };
        continue;
      }
      const length = Math.min(seg.bytes - this.cursor.offset, Math.max(1024 * 1024, MAX_RECORD_BYTES + RECORD_HEADER_BYTES));
      const buf = Buffer.allocUnsafe(length);
      let file;
      try {
        file = await open(seg.path, 'r');
      } catch (err) {
        // Dropped by a full spool while we waited: the cursor has moved on.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      try {
        await file.read(buf, 0, length, this.cursor.offset);
      } finally {
        await file.close();
      }
      const scan = scanRecords(buf, maxLines);
      if (scan.lines.length === 0) throw new GatewayError('SPOOL_CORRUPT', `spool ${seg.path}: unreadable record at byte ${this.cursor.offset}`);
      const start = { ...this.cursor };
      const end = { segment: seg.seq, offset: start.offset + scan.validBytes, index: start.index + scan.lines.length };
      return { lines: scan.lines, start, end };
    }
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
    return {
      pendingLines: live.reduce((n, s) => n + s.lines, 0) - (live.length ? this.cursor.index : 0),
      pendingBytes: live.reduce((n, s) => n + s.bytes, 0) - (live.length ? this.cursor.offset : 0),
      segments: this.segments.length,
      ...this.counters,
    };
  }

  /** fsyncs, persists the cursor, deletes acknowledged segments and closes. Unsent lines stay on disk. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.activeFd < 0) return;
    this.flush();
    this.retired.push(this.activeFd);
    this.activeFd = -1;
    await this.tick();
  }

  private totalBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  private async resolveCursor(ends: Map<number, number[]>): Promise<boolean> {
    const saved = await readCursor(this.ackPath);
    const first = this.segments[0];
    const ackExists = existsSync(this.ackPath);
    if (!saved || !first) {
      if (!saved && first && ackExists) this.log.warn({ file: this.ackPath }, 'spool ack file unreadable: resending from the oldest segment');
      this.cursor = { segment: first?.seq ?? saved?.segment ?? 0, offset: 0, index: 0 };
      this.persisted = { ...this.cursor };
      return !saved && first !== undefined && ackExists;
    }
    const seg = this.segments.find((s) => s.seq >= saved.segment);
    if (!seg) {
      // Everything on disk was acknowledged; the crash came before those segments were deleted.
      for (const s of this.segments) unlinkSync(s.path);
      this.segments = [];
      this.cursor = { segment: saved.segment, offset: 0, index: 0 };
      this.persisted = { ...saved };
      return false;
    }
    let reset = false;
    let index = 0;
    let offset = 0;
    if (seg.seq === saved.segment && saved.offset > 0) {
      index = (ends.get(seg.seq) ?? []).indexOf(saved.offset) + 1;
      if (index === 0) {
        reset = true;
        this.log.warn({ file: this.ackPath, ...saved }, 'spool ack cursor is not on a record boundary: resending that segment');
      } else offset = saved.offset;
    }
    this.cursor = { segment: seg.seq, offset, index };
    this.persisted = { segment: this.cursor.segment, offset: this.cursor.offset };
    for (const s of this.segments.filter((x) => x.seq < seg.seq)) unlinkSync(s.path);
    this.segments = this.segments.filter((x) => x.seq >= seg.seq);
    return reset;
  }

  private startSegment(seq: number): void {
    const path = join(this.opts.dir, segmentName(seq));
    this.activeFd = openSync(path, 'wx');
    this.segments.push({ seq, path, bytes: 0, lines: 0 });
    this.dirDirty = true;
  }

  private rotate(): void {
    this.retired.push(this.activeFd);
    this.startSegment((this.segments.at(-1) as Segment).seq + 1);
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
    unlinkSync(seg.path);
    this.log.warn({ segment: seg.path, droppedLines: lost, maxBytes: this.opts.maxBytes }, 'spool full: oldest segment deleted');
  }

  private tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.sync()).catch((err: unknown) => this.log.error({ err }, 'spool fsync failed'));
    return this.ticking;
  }

  /** One fsync tick: data, then directory entries, then the cursor, then acknowledged segments go. */
  private async sync(): Promise<void> {
    this.flush();
    for (const fd of this.retired.splice(0)) {
      await fsync(fd);
      await closeFd(fd);
      this.counters.fsyncs += 1;
    }
    this.flush();
    if (this.dirty && this.activeFd >= 0) {
      this.dirty = false;
      await fsync(this.activeFd);
      this.counters.fsyncs += 1;
    }
    if (this.dirDirty) {
      this.dirDirty = false;
      await fsyncDir(this.opts.dir);
      this.counters.fsyncs += 1;
    }
    const cursor = { segment: this.cursor.segment, offset: this.cursor.offset };
    if (cursor.segment !== this.persisted.segment || cursor.offset !== this.persisted.offset) {
      const bytes = await writeCursor(this.ackPath, cursor);
      this.persisted = cursor;
      this.counters.bytesWritten += bytes;
      this.counters.fsyncs += 2;
    }
    // Only once the cursor past them is durable: a crash before leaves them to be resent, not lost.
    for (const seg of this.segments.filter((s) => s.seq < this.persisted.segment)) {
      this.segments = this.segments.filter((s) => s !== seg);
      if (existsSync(seg.path)) await unlink(seg.path);
    }
  }
}
