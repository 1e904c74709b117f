import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { toLineProtocol, type Point } from '../points/point.ts';
import type { Sink, SinkStatus } from './sink.ts';

/** Default period of writing and fsyncing buffered lines, ms. */
export const DEFAULT_FILE_FLUSH_INTERVAL_MS = 1000;
/** Default most lines waiting in memory (about 10 MB of line protocol); past it the oldest are dropped. */
export const DEFAULT_FILE_MAX_PENDING_LINES = 50_000;

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Directory of the day files, e.g. `<dataDir>/lines`. Created if missing. */
  dir: string;
  log: Logger;
  /** Write + fsync period, ms: the most a power cut can take. Default {@link DEFAULT_FILE_FLUSH_INTERVAL_MS}. */
  flushIntervalMs?: number;
  /** Most lines waiting in memory while the files cannot be written. Default {@link DEFAULT_FILE_MAX_PENDING_LINES}. */
  maxPendingLines?: number;
}

/** Counters of {@link FileSink} since start. */
export interface FileSinkStats {
  /** Lines written and fsynced. */
  writtenLines: number;
  /** Flushes that failed or wrote short (disk full, I/O error); their lines stayed pending. */
  failedWrites: number;
  /** Oldest pending lines dropped because more than `maxPendingLines` waited. */
  droppedLines: number;
}

/** `YYYY-MM-DD` (UTC) of a point's timestamp. */
const dayOf = (timeUs: number): string => new Date(Math.floor(timeUs / 1000)).toISOString().slice(0, 10);

/** Lines at the start of `buf` that end within its first `bytes` bytes. */
function wholeLines(buf: Buffer, bytes: number): { lines: number; bytes: number } {
  const end = buf.lastIndexOf(0x0a, bytes - 1);
  if (end < 0) return { lines: 0, bytes: 0 };
  let lines = 0;
  for (let at = buf.indexOf(0x0a); at >= 0 && at <= end; at = buf.indexOf(0x0a, at + 1)) lines += 1;
  return { lines, bytes: end + 1 };
}

/**
 * The local sink used when the config has no `influx` section: appends line
 * protocol (precision us) to `<dir>/YYYY-MM-DD.lp`, one file per UTC day of
 * the point's time, buffered in memory and written + fsynced every
 * `flushIntervalMs`. Import later with
 * `influx write --bucket B --precision us --file <dir>/2025-01-02.lp`.
 *
 * A line reaches the file whole or stays pending: on a short write (disk
 * full) the whole lines that fit are kept and the file is cut back to the end
 * of the last one; on an error the file is cut back to its size before the
 * write. Pending lines are retried on the next tick, bounded by
 * `maxPendingLines` (oldest dropped, counted); a failure is logged once per
 * episode, and its end too.
 */
export class FileSink implements Sink {
  private readonly o: Required<Omit<FileSinkOptions, 'log'>>;
  private readonly log: Logger;
  private pending = new Map<string, string[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly counters: FileSinkStats = { writtenLines: 0, failedWrites: 0, droppedLines: 0 };

  constructor(options: FileSinkOptions) {
    this.o = {
      dir: options.dir,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FILE_FLUSH_INTERVAL_MS,
      maxPendingLines: options.maxPendingLines ?? DEFAULT_FILE_MAX_PENDING_LINES,
    };
    this.log = options.log.child({ stage: 'file-sink', dir: options.dir });
  }

  start(): void {
    mkdirSync(this.o.dir, { recursive: true });
    this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
  }

  write(points: readonly Point[]): void {
    for (const p of points) {
      const day = dayOf(p.timeUs);
      const lines = this.pending.get(day) ?? [];
      lines.push(toLineProtocol(p));
      this.pending.set(day, lines);
      this.pendingCount += 1;
    }
    if (this.pendingCount > this.o.maxPendingLines) this.dropOldest(this.pendingCount - this.o.maxPendingLines);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    if (this.pendingCount > 0) this.log.error({ pendingLines: this.pendingCount, ...this.counters }, 'stopped with lines that could not be written');
  }

  status(): SinkStatus {
    return { reachable: this.lastError === undefined, backlogPoints: this.pendingCount, lastError: this.lastError };
  }

  /** Counters since start. */
  stats(): FileSinkStats {
    return { ...this.counters };
  }

  /** Writes each day's lines (one write, one fsync); what does not reach the file whole stays pending. */
  private flush(): void {
    for (const [day, lines] of [...this.pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const path = join(this.o.dir, `${day}.lp`);
      try {
        const done = this.append(path, lines);
        this.counters.writtenLines += done;
        this.pendingCount -= done;
        if (done === lines.length) this.pending.delete(day);
        else {
          lines.splice(0, done);
          throw Object.assign(new Error(`short write: ${lines.length} lines did not fit (disk full?)`), { code: 'ENOSPC' });
        }
        if (this.lastError) this.log.info({ file: path, ...this.counters }, 'line-protocol file writable again');
        this.lastError = undefined;
      } catch (err) {
        this.counters.failedWrites += 1;
        const code = (err as NodeJS.ErrnoException).code;
        const message = `${path}: ${(err as Error).message}`;
        if (this.lastError === undefined) {
          this.log.error({ err, code, pendingLines: this.pendingCount }, `cannot write points to ${message}; they wait in memory and are retried`);
        }
        this.lastError = message;
        return;
      }
    }
  }

  /**
   * Appends `lines` to `path`; resolves with how many reached it whole and
   * fsynced. Cuts the file back so no torn line stays; throws on an error
   * after which none is kept.
   */
  private append(path: string, lines: readonly string[]): number {
    const fd = openSync(path, 'a+');
    try {
      const size = fstatSync(fd).size;
      // A torn tail left by an older version or a crash: start on a new line.
      const lead = size > 0 && !this.endsWithNewline(fd, size) ? '\n' : '';
      const buf = Buffer.from(`${lead}${lines.join('\n')}\n`);
      let written = 0;
      try {
        written = writeSync(fd, buf, 0, buf.length);
        if (written < buf.length) {
          const whole = wholeLines(buf, written);
          const kept = lead && whole.bytes > 0 ? { lines: whole.lines - 1, bytes: whole.bytes } : whole;
          ftruncateSync(fd, size + kept.bytes);
          fsyncSync(fd);
          return Math.max(0, kept.lines);
        }
        fsyncSync(fd);
        return lines.length;
      } catch (err) {
        try {
          ftruncateSync(fd, size);
        } catch (cut) {
          this.log.error({ err: cut, file: path, bytes: size }, 'could not cut a failed write back; the file may hold a torn line');
        }
        throw err;
      }
    } finally {
      closeSync(fd);
    }
  }

  private endsWithNewline(fd: number, size: number): boolean {
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
  }

  private dropOldest(count: number): void {
    let left = count;
    for (const day of [...this.pending.keys()].sort()) {
      const lines = this.pending.get(day) as string[];
      const n = Math.min(left, lines.length);
      lines.splice(0, n);
      if (lines.length === 0) this.pending.delete(day);
      left -= n;
      if (left === 0) break;
    }
    const before = this.counters.droppedLines;
    this.counters.droppedLines += count;
    this.pendingCount -= count;
    if (before === 0 || Math.floor(before / 10_000) !== Math.floor(this.counters.droppedLines / 10_000)) {
      this.log.warn({ droppedLines: this.counters.droppedLines, maxPendingLines: this.o.maxPendingLines }, 'line-protocol files not writable and memory bound reached: oldest lines dropped');
    }
  }
}
