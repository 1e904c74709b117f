import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { toLineProtocol, type Point } from '../points/point.ts';
import type { Sink, SinkStatus } from './sink.ts';

/** Default period of writing and fsyncing buffered lines, ms. */
export const DEFAULT_FILE_FLUSH_INTERVAL_MS = 1000;

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Directory of the day files, e.g. `<dataDir>/lines`. Created if missing. */
  dir: string;
  log: Logger;
  /** Write + fsync period, ms: the most a power cut can take. Default {@link DEFAULT_FILE_FLUSH_INTERVAL_MS}. */
  flushIntervalMs?: number;
}

/** `YYYY-MM-DD` (UTC) of a point's timestamp. */
const dayOf = (timeUs: number): string => new Date(Math.floor(timeUs / 1000)).toISOString().slice(0, 10);

/**
 * The local sink used when the config has no `influx` section: appends line
 * protocol (precision us) to `<dir>/YYYY-MM-DD.lp`, one file per UTC day of
 * the point's time, buffered in memory and written + fsynced every
 * `flushIntervalMs`. Import later with
 * `influx write --bucket B --precision us --file <dir>/2025-01-02.lp`.
 */
export class FileSink implements Sink {
  private readonly o: Required<Omit<FileSinkOptions, 'log'>>;
  private readonly log: Logger;
  private pending = new Map<string, string[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;

  constructor(options: FileSinkOptions) {
    this.o = { dir: options.dir, flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FILE_FLUSH_INTERVAL_MS };
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
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
  }

  status(): SinkStatus {
    return { reachable: this.lastError === undefined, backlogPoints: this.pendingCount, lastError: this.lastError };
  }

  /** Writes each day's lines with one write and one fsync; on error they stay buffered for the next try. */
  private flush(): void {
    for (const [day, lines] of this.pending) {
      const path = join(this.o.dir, `${day}.lp`);
      try {
        const fd = openSync(path, 'a');
        try {
          writeSync(fd, `${lines.join('\n')}\n`);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.pending.delete(day);
        this.pendingCount -= lines.length;
        if (this.lastError) this.log.info({ file: path }, 'line-protocol file writable again');
        this.lastError = undefined;
      } catch (err) {
        const message = `${path}: ${(err as Error).message}`;
        if (message !== this.lastError) this.log.error({ err }, `cannot write points to ${message}`);
        this.lastError = message;
      }
    }
  }
}
