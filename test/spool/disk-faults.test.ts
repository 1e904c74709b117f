import test, { type ExecutionContext } from 'ava';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scanRecords } from '../../src/spool/record-codec.ts';
import { Spool, type SpoolOptions } from '../../src/spool/spool.ts';
import { LEVEL, recordingLog, type RecordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.ts';

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Kitchen temperature=21.${from + i} ${1700000000000000 + from + i}`);

const tick = (spool: Spool): Promise<void> => (spool as unknown as { tick(): Promise<void> }).tick();
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
const onDisk = (dir: string): number => segments(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (let batch = await spool.read(1000); batch; batch = await spool.read(1000)) {
    out.push(...batch.lines);
    await spool.ack(batch);
  }
  return out;
}

async function tmpfs(t: ExecutionContext, bytes: number): Promise<Tmpfs> {
  const fs = await mountTmpfs(bytes);
  t.teardown(fs.remove);
  return fs;
}

async function spoolOn(t: ExecutionContext, dir: string, extra: Partial<SpoolOptions> = {}): Promise<{ spool: Spool; rec: RecordingLog }> {
  const rec = recordingLog();
  const spool = new Spool({ dir, log: rec.log, fsyncIntervalMs: 60_000, diskReserveBytes: 0, ...extra });
  await spool.open();
  t.teardown(() => spool.close());
  return { spool, rec };
}

test('disk full (real ENOSPC, short write then error): no throw, no torn record on disk, points held and written once space is back', async (t) => {
  const fs = await tmpfs(t, 256 * 1024);
  const dir = join(fs.path, 'spool');
  const { spool, rec } = await spoolOn(t, dir);
  fs.fill(12 * 1024);
  // ~36 KB in one write into 12 KB of room: the kernel takes part of it, then says ENOSPC.
  t.notThrows(() => spool.append(lines(0, 400)));
  t.notThrows(() => spool.append(lines(400, 400)));
  const seg = join(dir, segments(dir)[0]);
  const data = readFileSync(seg);
  t.true(data.length > 0, 'what fitted was written');
  t.is(scanRecords(data).validBytes, data.length, 'the segment ends on a whole record: the torn part was cut back');
  const stats = spool.stats();
  t.is(stats.storageProblem, 'disk full');
  t.is(stats.pendingLines, 800, 'nothing accepted is lost');
  t.true(stats.heldLines > 0 && stats.heldLines < 800);
  await tick(spool); // still full: retried, counted, not logged again
  const errors = rec.find('spool disk full', LEVEL.error);
  t.is(errors.length, 1, 'logged once per episode');
  t.like(errors[0], { code: 'ENOSPC', op: 'segment append' });

  fs.unfill();
  await tick(spool);
  t.is(spool.stats().storageProblem, undefined);
  t.is(spool.stats().heldLines, 0);
  t.is(rec.find('spool disk writes work again', LEVEL.warn).length, 1);
  t.deepEqual(await drain(spool), lines(0, 800), 'every accepted line, in order');
});

test('disk full with nothing of ours to drop: held points are bounded by maxHeldBytes, the oldest held dropped, counted and logged', async (t) => {
  const fs = await tmpfs(t, 256 * 1024);
  const dir = join(fs.path, 'spool');
  const { spool, rec } = await spoolOn(t, dir, { maxHeldBytes: 16 * 1024 });
  fs.fill();
  for (let i = 0; i < 2000; i += 50) spool.append(lines(i, 50));
  const s = spool.stats();
  t.true(s.heldLines > 0);
  t.true(s.heldLines * 90 <= 16 * 1024 + 50 * 95, `held ${s.heldLines} lines`);
  t.is(s.heldDroppedLines + s.heldLines, 2000, 'every line is held or counted as dropped');
  t.is(rec.find('memory hold full', LEVEL.error).length, 1);
  fs.unfill();
  await tick(spool);
  t.deepEqual(await drain(spool), lines(2000 - s.heldLines, s.heldLines), 'the newest are kept');
});

test('spool directory cannot be made again (dataDir unmounted, a read-only file system there): points held with a loud error, then written', async (t) => {
  const fs = await tmpfs(t, 1024 * 1024);
  const dataDir = join(fs.path, 'data');
  const { spool, rec } = await spoolOn(t, join(dataDir, 'spool'));
  spool.append(lines(0, 10));
  await tick(spool);
  // What an unmount leaves: another, read-only file system at the same path.
  const { execFileSync } = await import('node:child_process');
  execFileSync('mkdir', ['-p', dataDir]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dataDir]);
  let mounted = true;
  t.teardown(() => { if (mounted) execFileSync('umount', ['-l', dataDir]); });
  spool.append(lines(10, 10));
  await tick(spool);
  t.is(spool.stats().storageProblem, 'disk read-only');
  t.is(await spool.read(100), undefined, 'nothing to read, no throw, no spin');
  spool.append(lines(20, 10));
  await tick(spool);
  t.is(rec.find('spool disk read-only', LEVEL.error).length, 1, 'one loud error per episode');
  t.like(rec.find('spool disk read-only', LEVEL.error)[0], { op: 'spool directory', code: 'EROFS' });
  t.is(spool.stats().heldLines, 30, 'the unacknowledged lines of the open segment and the new ones are held');
  execFileSync('umount', [dataDir]);
  mounted = false;
  await tick(spool);
  t.is(spool.stats().storageProblem, undefined);
  t.deepEqual(await drain(spool), lines(0, 30));
});

test('the bound follows the free space (statfs injected): lowered and logged, oldest segments dropped before the disk refuses', async (t) => {
  const tmp = await makeTempDir('bound');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'spool');
  // A disk with 400 KiB for us in all: free = 400 KiB - what the spool uses.
  const statfs = () => ({ bavail: Math.max(0, 400 * 1024 - onDisk(dir)), bsize: 1 });
  const { spool, rec } = await spoolOn(t, dir, { maxBytes: 4 * 1024 * 1024, segmentBytes: 70 * 1024, diskReserveBytes: 100 * 1024, statfs });
  const lowered = rec.find('spool bound lowered', LEVEL.warn);
  t.is(lowered.length, 1, 'logged at open');
  t.is(lowered[0].effectiveMiB, 0.3);
  t.is(spool.stats().effectiveMaxBytes, 300 * 1024);
  for (let i = 0; i < 8000; i += 100) spool.append(lines(i, 100));
  const s = spool.stats();
  t.true(s.droppedLines > 0, 'oldest dropped by the spool itself');
  t.true(onDisk(dir) <= 300 * 1024, `${onDisk(dir)} bytes on disk`);
  t.is(s.storageProblem, undefined, 'the disk never refused');
  t.is(s.pendingLines + s.droppedLines, 8000);
  const got = await drain(spool);
  t.deepEqual(got, lines(8000 - got.length, got.length));
});

test('spool directory deleted while running: made again, unacknowledged points of the open segment saved, the rest counted as lost; read() never spins', async (t) => {
  const tmp = await makeTempDir('gone');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'data', 'spool');
  // recentBytes 0: the read finds the deletion itself (served from memory, the fsync tick would find it).
  const { spool, rec } = await spoolOn(t, dir, { segmentBytes: 70 * 1024, recentBytes: 0 });
  for (let i = 0; i < 2000; i += 100) spool.append(lines(i, 100));
  await tick(spool);
  t.true(segments(dir).length >= 2);
  const batch = (await spool.read(100))!;
  await spool.ack(batch);
  rmSync(join(tmp.path, 'data'), { recursive: true, force: true });
  spool.append(lines(2000, 50)); // into the deleted file's fd: saved from it
  const started = performance.now();
  const nothing = await spool.read(100);
  t.true(performance.now() - started < 500, 'read() returns at once');
  t.truthy(nothing, 'the directory is made again on read and the saved lines are read');
  t.true(existsSync(dir));
  t.is(rec.find('spool directory deleted', LEVEL.error).length, 1);
  const lost = spool.stats().lostLines;
  t.true(lost > 0, 'the unacknowledged lines of the deleted closed segments are counted');
  await spool.ack(nothing!);
  spool.append(lines(2050, 50));
  const got = [...nothing!.lines, ...(await drain(spool))];
  t.deepEqual(got.slice(-100), lines(2000, 100), 'everything appended after the deletion arrives');
  t.is(got.length + lost + 100, 2100, 'every line is read, or counted as lost');
  await tick(spool);
  t.true(existsSync(join(dir, 'ack')), 'the ack file is written anew');
});
