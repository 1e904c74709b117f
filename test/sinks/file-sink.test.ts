import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toLineProtocol } from '../../src/points/point.ts';
import { FileSink } from '../../src/sinks/file-sink.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { envPoints, mixedPoints } from './sink-fixtures.ts';

const DAY1 = Date.UTC(2025, 0, 2, 23, 59, 59) * 1000;
const DAY2 = Date.UTC(2025, 0, 3, 0, 0, 1) * 1000;

test('writes one line-protocol file per UTC day, flushed on the timer and on stop', async (t) => {
  const tmp = await makeTempDir('lines');
  const dir = join(tmp.path, 'lines');
  const sink = new FileSink({ dir, log: recordingLog().log, flushIntervalMs: 50 });
  try {
    sink.start();
    const first = mixedPoints(DAY1);
    sink.write(first);
    t.is(sink.status().backlogPoints, 3);
    await waitFor(() => sink.status().backlogPoints === 0, 5000, 'timer flush');
    const second = [...mixedPoints(DAY2), ...envPoints(2, DAY1 + 1000)];
    sink.write(second);
    await sink.stop();
    t.deepEqual(readdirSync(dir).sort(), ['2025-01-02.lp', '2025-01-03.lp']);
    t.is(
      readFileSync(join(dir, '2025-01-02.lp'), 'utf8'),
      `${[...first, ...envPoints(2, DAY1 + 1000)].map(toLineProtocol).join('\n')}\n`,
    );
    t.is(readFileSync(join(dir, '2025-01-03.lp'), 'utf8'), `${mixedPoints(DAY2).map(toLineProtocol).join('\n')}\n`);
    t.deepEqual(sink.status(), { reachable: true, backlogPoints: 0, lastError: undefined });
  } finally {
    await tmp.remove();
  }
});

test('the file is valid line protocol: a real server imports it with precision us', async (t) => {
  const tmp = await makeTempDir('lines');
  const vm = await startVictoria();
  try {
    const sink = new FileSink({ dir: tmp.path, log: recordingLog().log });
    sink.start();
    sink.write(mixedPoints(DAY1));
    await sink.stop();
    const body = readFileSync(join(tmp.path, '2025-01-02.lp'));
    const res = await fetch(`${vm.url}/api/v2/write?org=home&bucket=sensors&precision=us`, { method: 'POST', body });
    t.is(res.status, 204);
    const series = await vm.export();
    t.is(series.length, 7);
    t.true(series.every((s) => s.timestamps[0] === DAY1 / 1000));
    t.deepEqual(series.find((s) => s.metric.__name__ === 'node_rssi')?.values, [-61]);
  } finally {
    await vm.stop();
    await tmp.remove();
  }
});

test('disk full (a real tmpfs): a short write keeps only whole lines, the rest stays pending; every line exactly once when space returns', async (t) => {
  const fs = await mountTmpfs(512 * 1024);
  t.teardown(() => fs.remove());
  const dir = join(fs.path, 'lines');
  const rec = recordingLog();
  const sink = new FileSink({ dir, log: rec.log, flushIntervalMs: 20 });
  sink.start();
  t.teardown(() => sink.stop());
  fs.fill(20_000); // room for about 200 of the 2,000 lines: the write comes back short
  const points = envPoints(2000);
  const expected = points.map((p) => `${toLineProtocol(p)}\n`).join('');
  sink.write(points);
  await waitFor(() => !sink.status().reachable, 5000, 'the sink notices the full disk');
  const file = join(dir, '2023-11-14.lp');
  const partial = readFileSync(file, 'utf8');
  t.true(partial.length > 0 && partial.endsWith('\n'), 'whole lines only, no torn line');
  t.true(expected.startsWith(partial), 'the first lines, in order');
  const written = partial.split('\n').length - 1;
  t.is(sink.status().backlogPoints, 2000 - written, 'the rest is pending');
  t.regex(sink.status().lastError ?? '', /short write|ENOSPC/);
  await new Promise((r) => setTimeout(r, 100)); // a few more failed ticks
  t.is(rec.find('cannot write points', LEVEL.error).length, 1, 'logged once per episode');
  fs.unfill();
  await waitFor(() => sink.status().backlogPoints === 0, 5000, 'pending lines written');
  t.is(readFileSync(file, 'utf8'), expected, 'every line once, in order');
  t.like(sink.stats(), { writtenLines: 2000, droppedLines: 0 });
  t.true(sink.stats().failedWrites > 1);
  t.is(rec.find('writable again', LEVEL.info).length, 1);
});

test('lines waiting for a full disk are bounded in memory: the oldest are dropped and counted', async (t) => {
  const fs = await mountTmpfs(256 * 1024);
  t.teardown(() => fs.remove());
  const dir = join(fs.path, 'lines');
  const sink = new FileSink({ dir, log: recordingLog().log, flushIntervalMs: 20, maxPendingLines: 100 });
  sink.start();
  fs.fill();
  const points = envPoints(300);
  for (let i = 0; i < 300; i += 30) sink.write(points.slice(i, i + 30));
  t.is(sink.status().backlogPoints, 100);
  t.like(sink.stats(), { droppedLines: 200 });
  fs.unfill();
  await sink.stop();
  t.is(readFileSync(join(dir, '2023-11-14.lp'), 'utf8'), points.slice(200).map((p) => `${toLineProtocol(p)}\n`).join(''));
});

test('a torn last line left by a crash does not swallow the next line', async (t) => {
  const tmp = await makeTempDir('lines');
  t.teardown(() => tmp.remove());
  const file = join(tmp.path, '2023-11-14.lp');
  writeFileSync(file, 'environment,node=x temperature=2');
  const sink = new FileSink({ dir: tmp.path, log: recordingLog().log });
  sink.start();
  sink.write(envPoints(2));
  await sink.stop();
  t.is(readFileSync(file, 'utf8'), `environment,node=x temperature=2\n${envPoints(2).map((p) => `${toLineProtocol(p)}\n`).join('')}`);
});
