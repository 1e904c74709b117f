import test from 'ava';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spool, type SpoolOptions } from '../../src/spool/spool.ts';
import { silentLogger } from '../../src/log.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Kitchen temperature=21.${from + i} ${1700000000000000 + from + i}`);

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const tmp = await makeTempDir('spool');
  try {
    await body(join(tmp.path, 'spool'));
  } finally {
    await tmp.remove();
  }
}

async function drain(spool: Spool, max = 1000): Promise<string[]> {
  const out: string[] = [];
  for (let batch = await spool.read(max); batch; batch = await spool.read(max)) {
    out.push(...batch.lines);
    await spool.ack(batch);
  }
  return out;
}

const make = (dir: string, extra: Partial<SpoolOptions> = {}) => new Spool({ dir, log: silentLogger, fsyncIntervalMs: 50, ...extra });
const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

test('lines come back oldest first; acked ones are not read again after reopen', async (t) => {
  await withDir(async (dir) => {
    const spool = make(dir);
    t.deepEqual(await spool.open(), { pendingLines: 0, truncatedBytes: 0, cursorReset: false, damagedRecords: 0 });
    spool.append(lines(0, 30));
    spool.append(lines(30, 20));
    const first = await spool.read(25);
    t.deepEqual(first?.lines, lines(0, 25));
    t.deepEqual((await spool.read(25))?.lines, lines(0, 25), 'unacked lines are read again');
    await spool.ack(first!);
    t.like(spool.stats(), { pendingLines: 25 });
    await spool.close();

    const again = make(dir);
    t.like(await again.open(), { pendingLines: 25 });
    t.deepEqual(await drain(again, 10), lines(25, 25));
    t.is(await again.read(10), undefined);
    await again.close();
    const third = make(dir);
    t.like(await third.open(), { pendingLines: 0 });
    await third.close();
  });
});

test('after SIGKILL, acknowledged lines are not resent and unacknowledged ones are', async (t) => {
  await withDir(async (dir) => {
    const child = join(import.meta.dirname, 'fixtures', 'kill-writer.ts');
    const err = t.throws(() => execFileSync(process.execPath, ['--import=tsx', child, dir], { stdio: 'pipe' }));
    t.is((err as { signal?: string }).signal, 'SIGKILL');
    const rec = recordingLog();
    const spool = new Spool({ dir, log: rec.log });
    t.like(await spool.open(), { pendingLines: 70, cursorReset: false });
    const all = await drain(spool);
    t.deepEqual(all, Array.from({ length: 70 }, (_, i) => `m v=${40 + i}i ${40 + i}`));
    await spool.close();
  });
});

for (const [name, damage] of [
  ['cut mid-record', (p: string) => truncateSync(p, statSync(p).size - 5)],
  ['zero-filled tail', (p: string) => appendFileSync(p, Buffer.alloc(4096))],
  ['garbage tail', (p: string) => appendFileSync(p, Buffer.from('\x13\x00\x00\x00garbage that is not a record'))],
] as const) {
  test(`power cut: segment with a ${name} is recovered up to the last whole record, with a warning`, async (t) => {
    await withDir(async (dir) => {
      const spool = make(dir);
      await spool.open();
      spool.append(lines(0, 10));
      await spool.close();
      damage(join(dir, segments(dir)[0]));
      const rec = recordingLog();
      const again = new Spool({ dir, log: rec.log });
      const report = await again.open();
      t.true(report.truncatedBytes > 0);
      t.is(rec.find('torn or corrupt tail', LEVEL.warn).length, 1);
      const got = await drain(again);
      t.deepEqual(got, name === 'cut mid-record' ? lines(0, 9) : lines(0, 10));
      // The gateway goes on appending after recovery.
      again.append(lines(10, 1));
      t.deepEqual(await drain(again), lines(10, 1));
      await again.close();
    });
  });
}

test('corrupt ack file: everything on disk is resent (never lost), with a warning', async (t) => {
  await withDir(async (dir) => {
    const spool = make(dir);
    await spool.open();
    spool.append(lines(0, 20));
    await spool.ack((await spool.read(15))!);
    await spool.close();
    writeFileSync(join(dir, 'ack'), '1 9999 deadbeef\n');
    const rec = recordingLog();
    const again = new Spool({ dir, log: rec.log });
    t.like(await again.open(), { cursorReset: true, pendingLines: 20 });
    t.is(rec.find('ack file unreadable', LEVEL.warn).length, 1);
    t.deepEqual(await drain(again), lines(0, 20));
    await again.close();
  });
});

test('acknowledged segments are deleted whole; reading crosses segments in order', async (t) => {
  await withDir(async (dir) => {
    const spool = make(dir, { segmentBytes: 70 * 1024 });
    await spool.open();
    for (let i = 0; i < 3000; i += 100) spool.append(lines(i, 100));
    t.true(segments(dir).length >= 3);
    t.deepEqual(await drain(spool, 777), lines(0, 3000));
    await waitFor(() => segments(dir).length === 1, 2000, 'acked segments deleted');
    t.like(spool.stats(), { pendingLines: 0, pendingBytes: 0, droppedLines: 0 });
    await spool.close();
  });
});

test('full spool: oldest segments are dropped, counted and logged; the newest lines stay', async (t) => {
  await withDir(async (dir) => {
    const rec = recordingLog();
    const maxBytes = 512 * 1024;
    const spool = new Spool({ dir, log: rec.log, maxBytes, fsyncIntervalMs: 50 });
    await spool.open();
    const total = 20000;
    for (let i = 0; i < total; i += 50) spool.append(lines(i, 50));
    const stats = spool.stats();
    t.true(stats.droppedLines > 0);
    t.is(stats.pendingLines + stats.droppedLines, total);
    const onDisk = segments(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    t.true(onDisk <= maxBytes, `${onDisk} bytes on disk`);
    t.true(rec.find('spool full', LEVEL.warn).length >= 1);
    const got = await drain(spool);
    t.deepEqual(got, lines(total - got.length, got.length));
    await spool.close();
  });
});

test('write amplification: bytes written per point (logged, not asserted as speed)', async (t) => {
  await withDir(async (dir) => {
    const spool = make(dir, { fsyncIntervalMs: 1000 });
    await spool.open();
    const points = 20000;
    // A REPORT gives ~3 points; the sink sends every second in batches of up to 5000.
    for (let i = 0; i < points; i += 3) {
      spool.append(lines(i, 3));
      if (i % 3000 === 0) {
        const batch = await spool.read(5000);
        if (batch) await spool.ack(batch);
        await (spool as unknown as { tick(): Promise<void> }).tick();
      }
    }
    await drain(spool, 5000);
    await spool.close();
    const lp = lines(0, points).reduce((n, l) => n + l.length + 1, 0);
    const s = spool.stats();
    const ratio = s.bytesWritten / lp;
    t.log(`line protocol ${(lp / points).toFixed(1)} B/point; spool wrote ${(s.bytesWritten / points).toFixed(1)} B/point (x${ratio.toFixed(3)}), ${s.fsyncs} fsyncs`);
    t.true(ratio < 1.2);
  });
});
