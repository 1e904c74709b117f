import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isSystemError } from './disk-health.ts';
import { closeQuietly, makeDir, salvage, stillLinked } from './segment-io.ts';
import type { IndexedCursor, SpoolSegment } from './segment-recovery.ts';
import { scanSegment } from './segment-scan.ts';
import type { SegmentStore } from './segment-store.ts';

/**
 * What the spool does when data under it is lost or damaged while it runs:
 * a segment file deleted, the whole directory deleted, replaced or
 * unmounted, a record that no longer reads back. Every loss is counted and
 * logged; nothing here throws for a disk error or loops without progress.
 */

/**
 * Checks (on the fsync tick, or `force` when a read found the active segment
 * gone) that the active segment's name still leads to its file. When not:
 * the unacknowledged records of the open segment are saved from its fd,
 * those of other deleted segments are counted as lost, and a new directory
 * and segment are made; while that fails (read-only, unmounted) points are
 * held in memory with a loud error and this is retried every tick.
 */
export function checkDir(store: SegmentStore, force = false): void {
  if (store.closed) return;
  if (!store.dirMissing && !force) {
    const seg = store.segments.at(-1);
    if (store.activeFd >= 0 ? stillLinked(store.activeFd, (seg as SpoolSegment).path) : existsSync(store.o.dir)) return;
  }
  if (!store.dirMissing) abandonFiles(store);
  try {
    makeDir(store.o.dir);
  } catch (err) {
    if (!isSystemError(err)) throw err;
    store.dirMissing = true;
    store.failed('spool directory', err);
    return;
  }
  store.dirMissing = false;
  store.persisted = { segment: -1, offset: -1 }; // the ack file went with the directory
  store.dirDirty = true;
  if (store.ensureActive()) store.flush();
}

function abandonFiles(store: SegmentStore): void {
  const { cursor } = store;
  const active = store.activeFd >= 0 ? store.segments.at(-1) : undefined;
  let saved: { records: Buffer; lines: number } = { records: Buffer.alloc(0), lines: 0 };
  let unsaved = 0;
  if (active) {
    const atCursor = active.seq === cursor.segment;
    saved = salvage(store.activeFd, atCursor ? cursor.offset : 0, active.bytes);
    unsaved = Math.max(0, active.lines - (atCursor ? cursor.index : 0) - saved.lines);
  }
  for (const fd of [...store.retired, store.activeFd]) if (fd >= 0) closeQuietly(fd);
  store.reader.release();
  store.recent.clear();
  store.retired = [];
  store.activeFd = -1;
  const kept = store.segments.filter((s) => s !== active && existsSync(s.path));
  const lost = store.segments
    .filter((s) => s !== active && !kept.includes(s) && s.seq >= cursor.segment)
    .reduce((n, s) => n + unacked(s, cursor), unsaved);
  store.segments = kept;
  if (!kept.some((s) => s.seq === cursor.segment)) {
    store.cursor = { segment: kept.find((s) => s.seq > cursor.segment)?.seq ?? store.lastSeq + 1, offset: 0, index: 0 };
  }
  store.stage.prepend(saved.records, saved.lines);
  store.faults.lostLines += lost;
  store.o.log.error(
    { dir: store.o.dir, lostLines: lost, savedLines: saved.lines },
    'spool directory deleted, replaced or unmounted while running: making it again; points from now on are kept, unacknowledged points in the deleted files are lost',
  );
}

/** A segment file vanished under a read; true when reading can go on (the cursor has moved past it). */
export function segmentGone(store: SegmentStore, seg: SpoolSegment): boolean {
  if (seg === store.segments.at(-1)) {
    checkDir(store, true);
    return !store.dirMissing && store.cursor.segment !== seg.seq;
  }
  const lost = unacked(seg, store.cursor);
  store.reader.forget(seg);
  store.segments = store.segments.filter((s) => s !== seg);
  store.cursor = { segment: (store.segments.find((s) => s.seq > seg.seq) as SpoolSegment).seq, offset: 0, index: 0 };
  store.faults.lostLines += lost;
  store.o.log.error({ segment: seg.path, lostLines: lost }, 'spool segment deleted by someone else: its unacknowledged points are lost');
  return true;
}

/**
 * Skips a damaged record at `at` (a bad sector, a flipped bit) found by a
 * read: rescans the segment, goes on at the next valid record and fixes the
 * segment's record count, so `index` and `pendingLines` stay exact; the
 * records lost are counted and logged. False when the segment cannot be read now.
 */
export async function skipDamage(store: SegmentStore, seg: SpoolSegment, at: IndexedCursor): Promise<boolean> {
  const { bytes, lines } = seg;
  let data: Buffer;
  try {
    data = await readFile(seg.path);
  } catch (err) {
    if (!isSystemError(err)) throw err;
    return err.code === 'ENOENT' ? segmentGone(store, seg) : store.failed('segment read', err);
  }
  if (store.cursor.segment !== at.segment || store.cursor.offset !== at.offset) return true;
  // The file is the truth from here on: every damaged record in it is counted as lost below, so none may still be sent from a copy.
  store.recent.clear();
  const scan = scanSegment(data.subarray(0, bytes));
  const next = scan.starts.find((s) => s > at.offset) ?? bytes;
  const lost = Math.max(0, lines - scan.ends.length);
  seg.lines -= lost;
  store.cursor = { segment: seg.seq, offset: next, index: scan.ends.filter((e) => e <= next).length };
  store.faults.damagedLines += lost;
  store.o.log.warn(
    { segment: seg.path, at: at.offset, skippedBytes: next - at.offset, lostLines: lost },
    'spool record damaged (bad sector?): skipped, reading goes on at the next valid record',
  );
  return true;
}

const unacked = (seg: SpoolSegment, cursor: IndexedCursor): number => seg.lines - (seg.seq === cursor.segment ? cursor.index : 0);
