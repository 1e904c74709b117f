import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toLineProtocol } from '../../src/points/point.ts';
import { FileSink } from '../../src/sinks/file-sink.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
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
