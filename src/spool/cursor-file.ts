import { crc32 } from 'node:zlib';
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the oldest unacknowledged record starts. */
export interface Cursor {
  /** Segment number. */
  segment: number;
  /** Byte offset in that segment, on a record boundary. */
  offset: number;
}

/**
 * Reads the ack cursor. Returns `undefined` when the file is missing,
 * unparsable or fails its CRC (a torn or corrupted file): the caller then
 * starts from the oldest segment, resending rather than losing points.
 */
export async function readCursor(path: string): Promise<Cursor | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^(\d+) (\d+) ([0-9a-f]{8})\n$/.exec(text);
  if (!match) return undefined;
  const body = `${match[1]} ${match[2]}`;
  if (crc32(body).toString(16).padStart(8, '0') !== match[3]) return undefined;
  return { segment: Number(match[1]), offset: Number(match[2]) };
}

/**
 * Writes the cursor atomically: `<path>.tmp`, fsync, rename over `path`,
 * fsync the directory; resolves with the bytes written. After a crash the file holds the old or the new
 * cursor, never a mix. Format: `<segment> <offset> <crc32 hex>\n`.
 */
export async function writeCursor(path: string, cursor: Cursor): Promise<number> {
  const body = `${cursor.segment} ${cursor.offset}`;
  const tmp = `${path}.tmp`;
  const text = `${body} ${crc32(body).toString(16).padStart(8, '0')}\n`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
  return text.length;
}

/** Makes a create/rename/unlink in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
