import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { scanSegment } from './segment-scan.ts';

/** How {@link writeAt} ended: `written` bytes reached the file; `error` stopped it early. */
export interface WriteOutcome {
  written: number;
  error?: NodeJS.ErrnoException;
}

/**
 * Writes `buf[0, length)` at `position` of `fd` (positional, so a failed write
 * never moves where the next one lands). A short write followed by an error
 * (a filling disk: part of the buffer, then ENOSPC) reports how much got in.
 */
export function writeAt(fd: number, buf: Buffer, length: number, position: number): WriteOutcome {
  let at = 0;
  try {
    while (at < length) {
      const n = writeSync(fd, buf, at, length - at, position + at);
      if (n <= 0) throw Object.assign(new Error(`write returned ${n} bytes`), { code: 'EIO' });
      at += n;
    }
  } catch (err) {
    return { written: at, error: err as NodeJS.ErrnoException };
  }
  return { written: at };
}

/**
 * Cuts `fd` back to `length` bytes (the end of its last whole record) so no
 * reader sees a torn record that later records follow. If even that fails,
 * the next write at `length` overwrites the torn bytes, and `open()` cuts
 * what is left after the last valid record.
 */
export function cutTo(fd: number, length: number): void {
  try {
    ftruncateSync(fd, length);
  } catch {
    // see above
  }
}

/**
 * True while `path` still names the file open as `fd`; false once it was
 * deleted, or the directory replaced or unmounted (the name now leads
 * elsewhere). Other errors (EIO) say nothing about it: true.
 */
export function stillLinked(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    if (open.nlink === 0) return false;
    const named = statSync(path);
    return named.ino === open.ino && named.dev === open.dev;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * The valid records in `[from, to)` of a segment still open as `fd` after
 * its file was deleted (its data lives as long as the fd): framed records
 * ready to be staged again, and how many.
 */
export function salvage(fd: number, from: number, to: number): { records: Buffer; lines: number } {
  if (to <= from) return { records: Buffer.alloc(0), lines: 0 };
  const buf = Buffer.allocUnsafe(to - from);
  let got = 0;
  try {
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n <= 0) break;
      got += n;
    }
  } catch {
    // what could be read is kept
  }
  const scan = scanSegment(buf.subarray(0, got));
  const parts = scan.starts.map((s, i) => buf.subarray(s, scan.ends[i]));
  return { records: Buffer.concat(parts), lines: parts.length };
}

/** Closes `fd`, ignoring errors (an fd of a vanished file system). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do
  }
}

/**
 * `mkdir -p dir`, failing with the real reason: Node's recursive mkdir says
 * ENOENT where the kernel said EROFS or EACCES (a read-only file system
 * mounted over dataDir), so the first missing level is made on its own.
 */
export function makeDir(dir: string): void {
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  if (!existsSync(missing)) mkdirSync(missing);
  mkdirSync(dir, { recursive: true });
}
