import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';

/** One parsed pino line. */
export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** pino level numbers, for filtering {@link RecordingLog.entries}. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A real pino logger whose lines are kept, parsed, in `entries`. */
export interface RecordingLog {
  log: Logger;
  entries: LogEntry[];
  /** Entries at `level` or above whose message contains `text`. */
  find(text: string, level?: number): LogEntry[];
}

/** Makes a {@link RecordingLog} at `level` (default `debug`). */
export function recordingLog(level = 'debug'): RecordingLog {
  const entries: LogEntry[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) entries.push(JSON.parse(line) as LogEntry);
      callback();
    },
  });
  const log = createLogger({ level, destination });
  return {
    log,
    entries,
    find: (text, min = 0) => entries.filter((e) => e.level >= min && String(e.msg).includes(text)),
  };
}
