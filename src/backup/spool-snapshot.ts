import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { readCursor } from '../spool/cursor-file.ts';
import { indexAtOffset, scanSegment } from '../spool/segment-scan.ts';

const SEGMENT = /^(\d{16})\.seg$/;

/** What {@link snapshotUnsent} wrote. */
export interface UnsentSnapshot {
  /** Points (spool records) after the ack cursor, one line each in the file. */
  readonly points: number;
  /** Bytes of the line-protocol file. */
  readonly bytes: number;
  /** Damaged records skipped (the spool itself skips them too). */
  readonly damaged: number;
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * Writes the spool's unsent points (the records after the ack cursor) to
 * `out` as line protocol, one point per line, without the lock and while the
 * gateway may be appending and acknowledging. Consistency comes from the
 * order: the `ack` file is copied first, then every segment (into `work`,
 * which is deleted after). The cursor copied first can only be older than
 * the segments copied after it, so the snapshot may hold a few points that
 * were delivered meanwhile (harmless: InfluxDB keeps one point per series and
 * timestamp) but never misses one that was unsent when the copy began; a
 * segment deleted between the two copies was acknowledged. A segment being
 * appended to may end in half a record: the scan stops at the last whole one
 * (segment-scan.ts), and a damaged record is skipped as the spool skips it.
 * The originals are only read, never cut or deleted (the spool's own
 * recovery does that). Needs free space for a copy of the backlog.
 */
export async function snapshotUnsent(spoolDir: string, work: string, out: string): Promise<UnsentSnapshot> {
  await mkdir(work, { recursive: true });
  let names: string[] = [];
  const hasAck = await copyFile(join(spoolDir, 'ack'), join(work, 'ack')).then(() => true, (error: unknown) => {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  });
  try {
    names = (await readdir(spoolDir)).filter((n) => SEGMENT.test(n)).sort();
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw error;
  }
  const copied: { seq: number; path: string }[] = [];
  for (const name of names) {
    const path = join(work, name);
    try {
      await copyFile(join(spoolDir, name), path);
      copied.push({ seq: Number(SEGMENT.exec(name)![1]), path });
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error; // gone since the listing: acknowledged and deleted
    }
  }
  const cursor = hasAck ? await readCursor(join(work, 'ack')) : undefined;
  const file = createWriteStream(out, { mode: 0o600 });
  let failed: Error | undefined;
  file.on('error', (error) => { failed = error; });
  let points = 0;
  let damaged = 0;
  try {
    for (const seg of copied) {
      if (cursor && seg.seq < cursor.segment) continue;
      const scan = scanSegment(await readFile(seg.path), true);
      damaged += scan.damaged.length;
      // A cursor off a record boundary (damaged ack file) resends the whole segment, as the spool does.
      const from = cursor && seg.seq === cursor.segment ? (indexAtOffset(scan, cursor.offset) === undefined ? 0 : cursor.offset) : 0;
      const lines = scan.lines.filter((_, i) => scan.starts[i] >= from);
      if (lines.length > 0 && !file.write(`${lines.join('\n')}\n`)) await once(file, 'drain');
      points += lines.length;
      await rm(seg.path);
    }
  } finally {
    file.end();
    await once(file, 'close');
    await rm(work, { recursive: true, force: true });
  }
  if (failed) throw failed;
  return { points, bytes: (await stat(out)).size, damaged };
}
