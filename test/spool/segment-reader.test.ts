import test, { type ExecutionContext } from 'ava';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecords, scanRecords } from '../../src/spool/record-codec.ts';
import { SegmentReader } from '../../src/spool/segment-reader.ts';
import { Spool } from '../../src/spool/spool.ts';
import { LEVEL, recordingLog, type RecordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Serial: the tests count this process's open fds.

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Kitchen temperature=21.${from + i} ${1700000000000000 + from + i}`);
/** The same lines from another file: same lengths, so the same record offsets. */
const elsewhere = (ls: string[]): string[] => ls.map((l) => l.replace('Kitchen', 'Bedroom'));

const tick = (spool: Spool): Promise<void> => (spool as unknown as { tick(): Promise<void> }).tick();
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
const openFds = (): number => readdirSync('/proc/self/fd').length;
/** What this process's fds lead to under `dir` (a deleted file's link ends in " (deleted)"). */
function fdsInto(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return []; // the fd of readdir itself
    }
  });
}

async function spoolIn(t: ExecutionContext): Promise<{ spool: Spool; dir: string; root: string; rec: RecordingLog }> {
  const tmp = await makeTempDir('reader');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'data', 'spool');
  const rec = recordingLog();
  // recentBytes 0: these tests are about reading back from the files (what was just written is otherwise served from memory, recent-records.test.ts).
  const spool = new Spool({ dir, log: rec.log, fsyncIntervalMs: 60_000, segmentBytes: 70 * 1024, recentBytes: 0 });
  await spool.open();
  t.teardown(() => spool.close());
  return { spool, dir, root: tmp.path, rec };
}

test.serial('reading through 60 segment rotations keeps one read fd: the fd count stays bounded, no fd holds a deleted segment, close() closes all', async (t) => {
  const { spool, dir } = await spoolIn(t);
  const base = openFds();
  let most = 0;
  let read = 0;
  for (let i = 0; Number.parseInt(segments(dir).at(-1)!, 10) < 60; i += 100) {
    spool.append(lines(i, 100));
    const batch = (await spool.read(70))!; // reading lags behind, so the cursor crosses closed segments too
    t.deepEqual(batch.lines, lines(read, batch.lines.length));
    read += batch.lines.length;
    await spool.ack(batch);
    if (i % 300 === 0) await tick(spool); // closes retired write fds, deletes acknowledged segments
    most = Math.max(most, openFds());
    t.true(fdsInto(dir).length <= 3, `fds into the spool: ${fdsInto(dir).join(', ')}`);
  }
  for (let batch = await spool.read(50); batch; batch = await spool.read(50)) {
    t.deepEqual(batch.lines, lines(read, batch.lines.length));
    read += batch.lines.length;
    await spool.ack(batch);
    await tick(spool);
    most = Math.max(most, openFds());
    t.deepEqual(fdsInto(dir).filter((f) => f.endsWith('(deleted)')), [], 'no fd keeps a deleted segment (and its disk space)');
  }
  t.is(spool.stats().pendingLines, 0);
  t.true(most <= base + 3, `open fds: ${base} after open, at most ${most} while reading`);
  await spool.close();
  t.deepEqual(fdsInto(dir), [], 'close() leaves no fd into the spool');
  t.true(openFds() < base);
});

test.serial('spool directory deleted 20 times while reading: each time found and made again, the fd count stays bounded', async (t) => {
  const { spool, dir, root, rec } = await spoolIn(t);
  const base = openFds();
  for (let round = 0; round < 20; round++) {
    spool.append(lines(round * 1000, 1000)); // two segments: the read fd is on the closed one
    await spool.ack((await spool.read(10))!);
    rmSync(join(root, 'data'), { recursive: true, force: true });
    await tick(spool);
    for (let batch = await spool.read(500); batch; batch = await spool.read(500)) await spool.ack(batch);
    t.true(openFds() <= base + 3, `round ${round}: ${openFds()} fds, ${base} after open`);
  }
  t.is(rec.find('spool directory deleted', LEVEL.error).length, 20);
  await spool.close();
  t.deepEqual(fdsInto(dir), []);
});

test.serial('a segment replaced under the spool (another file renamed onto its name) while its fd is open: the next read reads the new file, never the old inode', async (t) => {
  const { spool, dir } = await spoolIn(t);
  for (let i = 0; i < 2000; i += 100) spool.append(lines(i, 100));
  await spool.ack((await spool.read(50))!); // the read fd is now open on the first (closed) segment
  await tick(spool); // closes the write fds of the closed segments: only the read fd is left on the first
  const first = join(dir, segments(dir)[0]);
  const n = scanRecords(readFileSync(first)).lines.length;
  const other = join(dir, '..', 'other');
  writeFileSync(other, encodeRecords(elsewhere(lines(0, n))));
  renameSync(other, first);
  t.deepEqual((await spool.read(10))?.lines, elsewhere(lines(50, 10)), 'what the name now leads to, as a read by path gave');
  t.deepEqual(fdsInto(dir).filter((f) => f.endsWith('(deleted)')), [], 'the old inode is no longer held');
});

test.serial('the segment being written replaced under the spool: the read reads the new file, and the fsync tick still finds the loss and saves the unread records', async (t) => {
  const { spool, dir, rec } = await spoolIn(t);
  spool.append(lines(0, 100));
  await spool.ack((await spool.read(20))!); // the read fd is open on the active segment
  const active = join(dir, segments(dir)[0]);
  writeFileSync(join(dir, 'other'), encodeRecords(elsewhere(lines(0, 100))));
  renameSync(join(dir, 'other'), active);
  t.deepEqual((await spool.read(10))?.lines, elsewhere(lines(20, 10)));
  await tick(spool);
  t.is(rec.find('spool directory deleted', LEVEL.error).length, 1, 'the replaced file is found by the tick, as before');
  t.deepEqual((await spool.read(1000))?.lines, lines(20, 80), 'the unacknowledged records are read from the new segment made of the saved ones');
});

test.serial('a closed segment deleted by someone while its fd is open: the fsync tick closes the fd (its space is freed), the next read counts its lines as lost and goes on', async (t) => {
  const { spool, dir, rec } = await spoolIn(t);
  for (let i = 0; i < 2000; i += 100) spool.append(lines(i, 100));
  await spool.ack((await spool.read(50))!);
  await tick(spool); // closes the write fds of the closed segments: only the read fd is left on the first
  const first = join(dir, segments(dir)[0]);
  const n = scanRecords(readFileSync(first)).lines.length;
  unlinkSync(first);
  t.deepEqual(fdsInto(dir).filter((f) => f.endsWith('(deleted)')), [`${first} (deleted)`], 'the read fd holds the deleted file until the tick');
  await tick(spool);
  t.deepEqual(fdsInto(dir).filter((f) => f.endsWith('(deleted)')), []);
  t.deepEqual((await spool.read(10))?.lines, lines(n, 10), 'reading goes on with the next segment');
  t.is(spool.stats().lostLines, n - 50);
  t.is(rec.find('spool segment deleted by someone else', LEVEL.error).length, 1);
});

test.serial('full spool: the oldest segment, dropped while its fd is open for reading, is closed at once (its space is freed), reading goes on with the newest', async (t) => {
  const tmp = await makeTempDir('reader');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'spool');
  const rec = recordingLog();
  const spool = new Spool({ dir, log: rec.log, fsyncIntervalMs: 60_000, maxBytes: 512 * 1024, segmentBytes: 70 * 1024, recentBytes: 0 });
  await spool.open();
  t.teardown(() => spool.close());
  spool.append(lines(0, 1000));
  await tick(spool); // closes the first segment's write fd: only the read fd will be left on it
  await spool.ack((await spool.read(10))!);
  let appended = 1000;
  for (; spool.stats().droppedLines === 0; appended += 100) spool.append(lines(appended, 100));
  t.is(rec.find('spool full', LEVEL.warn).length, 1);
  t.deepEqual(fdsInto(dir).filter((f) => f.endsWith('(deleted)')), []);
  const got: string[] = [];
  for (let batch = await spool.read(500); batch; batch = await spool.read(500)) {
    got.push(...batch.lines);
    await spool.ack(batch);
  }
  t.deepEqual(got, lines(appended - got.length, got.length));
});

test.serial('a read error (EISDIR: a directory where the segment was) closes the fd; the next read opens the name again', async (t) => {
  const tmp = await makeTempDir('reader');
  t.teardown(tmp.remove);
  const seg = { seq: 0, path: join(tmp.path, '0000000000000000.seg'), bytes: 0, lines: 0 };
  const reader = new SegmentReader();
  mkdirSync(seg.path);
  await t.throwsAsync(reader.read(seg, Buffer.alloc(64), 0), { code: 'EISDIR' });
  t.deepEqual(fdsInto(tmp.path), [], 'no fd kept after the error');
  rmdirSync(seg.path);
  writeFileSync(seg.path, 'records');
  const buf = Buffer.alloc(64);
  t.is(await reader.read(seg, buf, 0), 7);
  t.is(buf.toString('latin1', 0, 7), 'records');
  t.is(fdsInto(tmp.path).length, 1);
  reader.release();
  t.deepEqual(fdsInto(tmp.path), []);
});
