import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toLineProtocol } from '../../src/points/point.ts';
import { startInfluxGate } from '../helpers/influx-gate.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria, type ExportedSeries } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { envPoints, makeInfluxSink, mixedPoints } from './sink-fixtures.ts';

const T0 = 1_700_000_000_123_000;
const find = (series: ExportedSeries[], name: string) => series.find((s) => s.metric.__name__ === name);
/** Every sample once: no series has the same timestamp twice. */
const noDuplicates = (series: ExportedSeries[]) => series.every((s) => new Set(s.timestamps).size === s.timestamps.length);

test('points arrive with their values, tags and timestamps', async (t) => {
  const vm = await startVictoria();
  const tmp = await makeTempDir('influx');
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, { url: vm.url });
  try {
    sink.start();
    sink.write(mixedPoints(T0));
    const series = await waitFor(async () => {
      const s = await vm.export();
      return s.length === 7 ? s : undefined;
    }, 10000, '7 series');
    const labels = { gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' };
    t.like(find(series, 'environment_temperature'), { metric: labels, values: [21.53], timestamps: [T0 / 1000] });
    t.like(find(series, 'environment_pressure'), { values: [1013.25] });
    t.like(find(series, 'node_rssi'), { metric: labels, values: [-61] });
    t.like(find(series, 'node_battery'), { values: [3.912] });
    t.like(find(series, 'power_relay'), { metric: { ...labels, channel: '1' }, values: [1] });
    await waitFor(() => sink.status().backlogPoints === 0, 5000, 'spool acked');
    t.deepEqual(sink.status(), { reachable: true, backlogPoints: 0 });
  } finally {
    await sink.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('server down then back: every point arrives exactly once; outage logged once, recovery logged', async (t) => {
  const vm = await startVictoria();
  const tmp = await makeTempDir('influx');
  const rec = recordingLog();
  const sink = await makeInfluxSink(tmp.path, rec.log, { url: vm.url, batchSize: 50 });
  try {
    sink.start();
    sink.write(envPoints(100, T0, 0));
    await waitFor(async () => (await vm.count('environment_temperature')) === 100, 10000, 'first 100');
    await vm.kill();
    for (let i = 100; i < 400; i += 20) {
      sink.write(envPoints(20, T0, i));
      await new Promise((r) => setTimeout(r, 30));
    }
    await waitFor(() => !sink.status().reachable, 5000, 'sink notices the outage');
    t.regex(sink.status().lastError ?? '', /unreachable/);
    await new Promise((r) => setTimeout(r, 300)); // retries at 100 and 300 ms (the long outage is in influx-sink-retry.test.ts)
    t.true(sink.status().backlogPoints > 0);
    await vm.restart();
    await waitFor(() => sink.status().backlogPoints === 0, 10000, 'backlog sent');
    const series = await vm.export('environment_temperature');
    t.is(series.reduce((n, s) => n + s.values.length, 0), 400);
    t.true(noDuplicates(series));
    t.is(rec.find('unreachable', LEVEL.warn).length, 1, 'outage logged once');
    t.is(rec.find('writes work again', LEVEL.info).length, 1);
  } finally {
    await sink.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('401: the error names influx.token, logged once; points wait and flow once the token is fixed', async (t) => {
  const vm = await startVictoria();
  const gate = await startInfluxGate({ target: vm.url, token: 'the-right-one', org: 'home', bucket: 'sensors' });
  const tmp = await makeTempDir('influx');
  const rec = recordingLog();
  const sink = await makeInfluxSink(tmp.path, rec.log, { url: gate.url, token: 'secret-token' });
  try {
    sink.start();
    sink.write(envPoints(30, T0));
    await waitFor(() => gate.statuses.filter((s) => s === 401).length >= 3, 10000, 'three 401s');
    t.is(rec.find('influx.token', LEVEL.error).length, 1);
    t.false(rec.entries.some((e) => JSON.stringify(e).includes('secret-token')), 'token never logged');
    t.like(sink.status(), { reachable: false, backlogPoints: 30 });
    t.regex(sink.status().lastError ?? '', /influx\.token.*401/);
    t.is(await vm.count(), 0);
    gate.setToken('secret-token');
    await waitFor(async () => (await vm.count('environment_temperature')) === 30, 10000, 'points after fix');
    t.like(sink.status(), { reachable: true, backlogPoints: 0 });
  } finally {
    await sink.stop();
    await gate.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('404: the error names influx.org and influx.bucket', async (t) => {
  const vm = await startVictoria();
  const gate = await startInfluxGate({ target: vm.url, token: 'secret-token', org: 'home', bucket: 'sensors' });
  const tmp = await makeTempDir('influx');
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, { url: gate.url, bucket: 'sensor' });
  try {
    sink.start();
    sink.write(envPoints(3, T0));
    await waitFor(() => sink.status().lastError, 10000, 'an error');
    t.regex(sink.status().lastError ?? '', /influx\.org "home" or influx\.bucket "sensor" not found.*404 bucket "sensor" not found/);
    t.is(sink.status().backlogPoints, 3);
  } finally {
    await sink.stop();
    await gate.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('400: the batch is set aside with the server reason, the rest flows', async (t) => {
  const vm = await startVictoria();
  const gate = await startInfluxGate({ target: vm.url, token: 'secret-token', org: 'home', bucket: 'sensors' });
  const tmp = await makeTempDir('influx');
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, { url: gate.url });
  const conflict = 'field type conflict: input field "humidity" on measurement "environment" is type float, already exists as type integer';
  gate.rejectWhen((line) => (line.includes('temperature=20.5,') ? conflict : undefined));
  try {
    sink.start();
    sink.write(envPoints(10, T0, 0));
    await waitFor(async () => (await vm.count('environment_temperature')) === 10, 10000, 'batch A');
    const bad = envPoints(10, T0, 45); // contains temperature=20.5
    sink.write(bad);
    const rejectedDir = join(tmp.path, 'rejected');
    const file = await waitFor(() => { try { return readdirSync(rejectedDir)[0]; } catch { return undefined; } }, 10000, 'rejected file');
    sink.write(envPoints(10, T0, 100));
    await waitFor(async () => (await vm.count('environment_temperature')) === 20, 10000, 'batch C');
    const text = readFileSync(join(rejectedDir, file), 'utf8');
    t.true(text.includes(conflict));
    t.true(text.endsWith(`${bad.map(toLineProtocol).join('\n')}\n`));
    await waitFor(() => sink.status().backlogPoints === 0, 5000, 'nothing left');
    t.true(sink.status().reachable);
  } finally {
    await sink.stop();
    await gate.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('413: the batch is split until the server takes it', async (t) => {
  const vm = await startVictoria();
  const gate = await startInfluxGate({ target: vm.url, token: 'secret-token', org: 'home', bucket: 'sensors' });
  gate.maxBodyBytes(100_000); // ~1,000 lines; splitting stops at 100 lines / 64 KiB, far below
  const tmp = await makeTempDir('influx');
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, { url: gate.url });
  try {
    sink.write(envPoints(3000, T0));
    sink.start();
    await waitFor(async () => (await vm.count('environment_temperature')) === 3000, 10000, 'all 3000');
    t.true(gate.statuses.includes(413));
    t.false(existsSync(join(tmp.path, 'rejected')), 'nothing set aside');
    t.true(noDuplicates(await vm.export()));
  } finally {
    await sink.stop();
    await gate.stop();
    await vm.stop();
    await tmp.remove();
  }
});

test('stop() returns within its bound while the server hangs; unsent points stay for next start', async (t) => {
  const { createServer } = await import('node:http');
  const hang = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const port = (hang.address() as { port: number }).port;
  const tmp = await makeTempDir('influx');
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, { url: `http://127.0.0.1:${port}`, stopTimeoutMs: 500 });
  sink.write(envPoints(5, T0));
  sink.start();
  await new Promise((r) => setTimeout(r, 200));
  await sink.stop(); // must not wait for the 10 s request timeout (ava's timeout would catch that)
  hang.closeAllConnections();
  hang.close();
  const vm = await startVictoria();
  const again = await makeInfluxSink(tmp.path, recordingLog().log, { url: vm.url });
  try {
    t.is(again.status().backlogPoints, 5);
    again.start();
    await waitFor(async () => (await vm.count()) === 10, 10000, 'resent after restart');
  } finally {
    await again.stop();
    await vm.stop();
    await tmp.remove();
  }
});
