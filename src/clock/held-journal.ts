import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { encodeRecords, RECORD_HEADER_BYTES, scanRecords } from '../spool/record-codec.ts';
import { rebaseBoots, type HeldBoot } from './held-rebase.ts';
import { readBootId } from './wall-clock.ts';

/** Default bound of the held-readings journal on disk: 64 MiB (about 150,000 readings). */
export const DEFAULT_HELD_MAX_BYTES = 64 * 1024 * 1024;
/** Default most readings kept in memory while the disk refuses them. */
export const DEFAULT_MAX_UNWRITTEN = 50_000;

/** Options of {@link HeldJournal}. */
export interface HeldJournalOptions {
  /** Directory of the journal files, `<dataDir>/held`. Created with the first held reading. */
  dir: string;
  /** This boot's id; default {@link readBootId}, read at open. */
  bootId?: string;
  log: Logger;
  /** fsync period, ms (config `spool.fsyncIntervalMs`). Default 1000. */
  fsyncIntervalMs?: number;
  /** Bound of all files together, bytes; past it the oldest file (a quarter) goes. Default {@link DEFAULT_HELD_MAX_BYTES}. */
  maxBytes?: number;
  /** Readings kept in memory while writes fail; past it the oldest go. Default {@link DEFAULT_MAX_UNWRITTEN}. */
  maxUnwritten?: number;
}

/** A held reading given back by {@link HeldJournal.drain}, with its wall time. */
export interface DrainedReading {
  readonly payload: string;
  readonly wallMs: number;
  /** True when its boot never synced and the time is the latest it can have been (see rebaseBoots). */
  readonly estimated: boolean;
}

interface HeldFile { seq: number; bootId: string; path: string; bytes: number; readings: number }
interface Chunk { buf: Buffer; count: number }

const READING = 'r'.charCodeAt(0);
const FILE_NAME = /^(\d{16})-([0-9A-Za-z-]+)\.held$/;

/**
 * The durable copy of readings held while the clock is untrusted: append-only
 * files `<dir>/<seq>-<bootId>.held` of CRC-framed records (the spool's
 * record-codec), one per reading, `r <monotonic µs> <payload>`, plus a marker
 * `o <wall - monotonic µs>` written and fsynced just before the readings are
 * handed on, so a crash before they reach the sink replays the same
 * timestamps. Records are handed to the OS at the end of the event-loop turn
 * (a SIGKILL loses none) and fsynced every `fsyncIntervalMs` (a power cut
 * loses at most that). A write that fails (disk full, dataDir gone) keeps the
 * readings in memory, bounded by `maxUnwritten`, and is retried on the next
 * tick. Files are deleted only by {@link removeReleased} once the sink has
 * the readings on disk.
 */
export class HeldJournal {
  private readonly o: Required<Omit<HeldJournalOptions, 'log' | 'bootId'>> & { bootId: string };
  private readonly log: Logger;
  private files: HeldFile[] = [];
  private released: string[] = [];
  private current: HeldFile | undefined;
  private fd = -1;
  /** Records appended in this event-loop turn, not yet framed and written. */
  private staged: string[] = [];
  private unwritten: Chunk[] = [];
  private unwrittenCount = 0;
  private flushQueued = false;
  private dirty = false;
  private dirDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  /** Readings dropped past a bound (since start). */
  dropped = 0;

  constructor(options: HeldJournalOptions) {
    this.o = { fsyncIntervalMs: 1000, maxBytes: DEFAULT_HELD_MAX_BYTES, maxUnwritten: DEFAULT_MAX_UNWRITTEN, ...options, bootId: options.bootId ?? '' };
    this.log = options.log.child({ stage: 'clock', dir: options.dir });
  }

  /** The journal's directory. */
  get dir(): string {
    return this.o.dir;
  }

  /** Readings held: on disk, written or not. */
  get held(): number {
    return this.files.reduce((n, f) => n + f.readings, 0) + this.unwrittenCount + this.staged.length;
  }

  /** Readings held from earlier boots (their times will be estimates). */
  get earlierBootReadings(): number {
    return this.files.filter((f) => f.bootId !== this.o.bootId).reduce((n, f) => n + f.readings, 0);
  }

  /** Reads what earlier runs left (torn tails cut), starts the fsync timer; never throws. */
  open(): void {
    if (this.o.bootId === '') this.o.bootId = readBootId();
    try {
      // The directory is made with the first held reading: a synced Pi never has one.
      if (existsSync(this.o.dir)) for (const name of readdirSync(this.o.dir).sort()) this.adopt(name);
    } catch (err) {
      this.failed(err, 'cannot read the held-readings journal');
    }
    this.timer = setInterval(() => this.tick(), this.o.fsyncIntervalMs);
    this.timer.unref();
  }

  /** Holds one reading that arrived at monotonic `monoMs`. */
  append(monoMs: number, payload: string): void {
    this.staged.push(`r ${Math.round(monoMs * 1000)} ${payload}`);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Every held reading, oldest first, with `wall = mono + offset` of its boot
   * (this boot: `offsetMs`, measured now), and seals the files they came from
   * for {@link removeReleased}.
   */
  drain(offsetMs: number): DrainedReading[] {
    this.flush();
    if (this.held === 0) return [];
    this.writeMarker(offsetMs);
    const boots = new Map<string, { monoMs: number[]; payloads: string[]; offsetMs?: number }>();
    const take = (bootId: string, lines: readonly string[]): void => {
      let boot = boots.get(bootId);
      if (!boot) boots.set(bootId, (boot = { monoMs: [], payloads: [] }));
      for (const line of lines) {
        const space = line.indexOf(' ', 2);
        if (line.startsWith('o ')) boot.offsetMs = Number(line.slice(2)) / 1000;
        else if (line.startsWith('r ') && space > 0) {
          boot.monoMs.push(Number(line.slice(2, space)) / 1000);
          boot.payloads.push(line.slice(space + 1));
        }
      }
    };
    for (const file of this.files) take(file.bootId, this.readLines(file.path));
    for (const chunk of this.unwritten) take(this.o.bootId, scanRecords(chunk.buf).lines);
    const list = [...boots].map(([bootId, b]): HeldBoot => ({ bootId, monoMs: b.monoMs, offsetMs: b.offsetMs }));
    const offsets = rebaseBoots(list, this.o.bootId, offsetMs);
    const out: DrainedReading[] = [];
    offsets.forEach(({ bootId, offsetMs: offset, estimated }) => {
      const b = boots.get(bootId)!;
      b.payloads.forEach((payload, i) => out.push({ payload, wallMs: b.monoMs[i] + offset, estimated }));
    });
    this.seal();
    this.released.push(...this.files.map((f) => f.path));
    this.files = [];
    this.unwritten = [];
    this.unwrittenCount = 0;
    return out;
  }

  /** Deletes the files of drained readings; call once the sink has them on disk. */
  removeReleased(): void {
    for (const path of this.released.splice(0)) {
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.failed(err, 'cannot delete a released held-readings file');
      }
    }
  }

  /** Writes and fsyncs what is staged, closes the file; the readings stay on disk for the next start. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.seal();
  }

  private adopt(name: string): void {
    const match = FILE_NAME.exec(name);
    if (!match) return;
    const path = join(this.o.dir, name);
    const data = readFileSync(path);
    const scan = scanRecords(data, Infinity, false);
    if (scan.validBytes < data.length) {
      this.log.warn({ file: path, cutBytes: data.length - scan.validBytes, kept: scan.ends.length }, 'held-readings file has a torn or corrupt tail (power cut?): kept the whole records before it');
      truncateSync(path, scan.validBytes);
    }
    // Counted without decoding: a reading's payload starts with `r`, a marker's with `o`.
    let readings = 0;
    let at = 0;
    for (const end of scan.ends) {
      if (data[at + RECORD_HEADER_BYTES] === READING) readings += 1;
      at = end;
    }
    if (readings === 0) {
      unlinkSync(path);
      return;
    }
    this.files.push({ seq: Number(match[1]), bootId: match[2], path, bytes: scan.validBytes, readings });
  }

  private readLines(path: string): string[] {
    try {
      return scanRecords(readFileSync(path)).lines;
    } catch (err) {
      this.failed(err, 'cannot read back a held-readings file');
      return [];
    }
  }

  private flush(): void {
    this.flushQueued = false;
    while (this.unwritten.length > 0) {
      if (!this.tryWrite(this.unwritten[0].buf, this.unwritten[0].count)) break;
      this.unwrittenCount -= this.unwritten.shift()!.count;
    }
    if (this.staged.length === 0) return;
    const count = this.staged.length;
    const buf = encodeRecords(this.staged);
    this.staged = [];
    if (this.unwritten.length === 0 && this.tryWrite(buf, count)) return;
    this.unwritten.push({ buf, count });
    this.unwrittenCount += count;
    while (this.unwrittenCount > this.o.maxUnwritten && this.unwritten.length > 1) {
      const lost = this.unwritten.shift()!.count;
      this.unwrittenCount -= lost;
      this.dropped += lost;
      this.log.warn({ dropped: this.dropped, maxUnwritten: this.o.maxUnwritten }, 'held readings cannot be written and memory is full: oldest dropped');
    }
  }

  /** Appends whole records to this boot's file; on failure cuts the file back to whole records and starts a new one next time. */
  private tryWrite(buf: Buffer, count: number): boolean {
    try {
      if (this.current && this.current.bytes > 0 && this.current.bytes + buf.length > this.o.maxBytes / 4) this.seal();
      if (!this.current) this.startFile();
      while (this.files.length > 1 && this.totalBytes() + buf.length > this.o.maxBytes) this.dropOldest();
      for (let at = 0; at < buf.length; ) at += writeSync(this.fd, buf, at, buf.length - at);
    } catch (err) {
      if (this.fd >= 0) {
        try { ftruncateSync(this.fd, this.current!.bytes); } catch { /* the torn tail is cut at the next open */ }
      }
      this.seal();
      this.failed(err, 'cannot write held readings: kept in memory until the disk takes them');
      return false;
    }
    this.current!.bytes += buf.length;
    this.current!.readings += count;
    this.dirty = true;
    if (this.lastError) this.log.info({}, 'held readings are written to disk again');
    this.lastError = undefined;
    return true;
  }

  private writeMarker(offsetMs: number): void {
    if (this.tryWrite(encodeRecords([`o ${Math.round(offsetMs * 1000)}`]), 0)) this.sync();
  }

  private startFile(): void {
    mkdirSync(this.o.dir, { recursive: true });
    const seq = this.files.reduce((n, f) => Math.max(n, f.seq), 0) + 1;
    const path = join(this.o.dir, `${String(seq).padStart(16, '0')}-${this.o.bootId}.held`);
    this.fd = openSync(path, 'wx');
    this.dirDirty = true;
    this.current = { seq, bootId: this.o.bootId, path, bytes: 0, readings: 0 };
    this.files.push(this.current);
  }

  private dropOldest(): void {
    const file = this.files.shift()!;
    unlinkSync(file.path);
    this.dropped += file.readings;
    this.log.warn({ file: file.path, dropped: file.readings, maxBytes: this.o.maxBytes }, 'held-readings journal full: oldest file deleted');
  }

  private totalBytes(): number {
    return this.files.reduce((n, f) => n + f.bytes, 0);
  }

  private tick(): void {
    this.flush();
    this.sync();
  }

  private sync(): void {
    if (!this.dirty || this.fd < 0) return;
    try {
      fsyncSync(this.fd);
      this.dirty = false;
      if (this.dirDirty) {
        // A new file's name must survive a power cut too.
        const dirFd = openSync(this.o.dir, 'r');
        try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
        this.dirDirty = false;
      }
    } catch (err) {
      this.failed(err, 'cannot fsync held readings');
    }
  }

  private seal(): void {
    if (this.fd >= 0) {
      this.sync();
      try { closeSync(this.fd); } catch { /* already gone */ }
    }
    this.fd = -1;
    this.current = undefined;
  }

  private failed(err: unknown, what: string): void {
    const message = `${this.o.dir}: ${(err as Error).message}`;
    if (message !== this.lastError) this.log.error({ err, code: (err as NodeJS.ErrnoException).code }, `${what} (${message})`);
    this.lastError = message;
  }
}
