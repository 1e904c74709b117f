import test, { type ExecutionContext } from 'ava';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toLineProtocol } from '../../src/points/point.ts';
import { SPLIT_FLOOR_BYTES, SPLIT_FLOOR_LINES } from '../../src/sinks/influx-sink.ts';
import { startInfluxGate } from '../helpers/influx-gate.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { FakeTimers } from './fake-timers.ts';
import { envPoints, makeInfluxSink } from './sink-fixtures.ts';

// Back-off and retries on an injected clock: the servers, spool and files are
// real; only the waiting between rounds is skipped.

const T0 = 1_700_000_000_123_000;
const clockOptions = (timers: FakeTimers) => ({ timers, minRetryMs: 1000, maxRetryMs: 60_000, configRetryMs: 60_000, flushIntervalMs: 1000, random: () => 0 });

/**
 * A real VictoriaMetrics (behind an influx gate when `gated`), a temp dataDir,
 * a recording log, fake timers and an InfluxSink on them; all stopped at teardown.
 */
async function sinkRig(t: ExecutionContext, gated: boolean, options: { batchSize?: number } = {}) {
  const vm = await startVictoria();
  const gate = gated ? await startInfluxGate({ target: vm.url, token: 'secret-token', org: 'home', bucket: 'sensors' }) : undefined;
  const tmp = await makeTempDir('influx');
  const rec = recordingLog();
  const timers = new FakeTimers();
  const sink = await makeInfluxSink(tmp.path, rec.log, { url: (gate ?? vm).url, ...clockOptions(timers), ...options });
  t.teardown(async () => {
    await sink.stop();
    await gate?.stop();
    await vm.stop();
    await tmp.remove();
  });
  return { vm, gate: gate!, tmp, rec, timers, sink };
}

test('InfluxDB down for ten minutes: back-off 1 s doubling to 60 s, logged once, every point once after, outage length logged', async (t) => {
  const { vm, tmp, rec, timers, sink } = await sinkRig(t, false);
  sink.start();
  sink.write(envPoints(50, T0, 0));
  await timers.round();
  t.is(await vm.count('environment_temperature'), 50);
  await vm.kill();
  sink.write(envPoints(50, T0, 50));
  const downAt = timers.now();
  const waited: number[] = [];
  while (timers.now() - downAt < 10 * 60_000) {
    waited.push(await timers.round());
    sink.write(envPoints(10, T0, 100 + waited.length * 10));
  }
  // The first wait is the flush interval before the failing round; then the back-off.
  t.deepEqual(waited.slice(0, 9), [1000, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  t.like(sink.status(), { reachable: false });
  await vm.restart();
  await timers.round();
  const total = 100 + waited.length * 10;
  t.is(await vm.count('environment_temperature'), total);
  const series = await vm.export('environment_temperature');
  t.true(series.every((s) => new Set(s.timestamps).size === s.timestamps.length), 'no point twice');
  t.is(rec.find('unreachable', LEVEL.warn).length, 1, 'the outage is logged once');
  const back = rec.find('writes work again', LEVEL.info);
  t.is(back.length, 1);
  t.is(back[0].downMs, timers.now() - downAt - 1000, 'outage length on the injected clock (from the first failed round)');
});

test('413 to every request, even at the split floor: a server problem: back-off, points kept, one log naming the URL and a proxy limit; nothing set aside', async (t) => {
  const { vm, gate, tmp, rec, timers, sink } = await sinkRig(t, true);
  gate.alwaysTooLarge(true);
  sink.write(envPoints(1000, T0));
  sink.start();
  const waited: number[] = [];
  for (let i = 0; i < 6; i++) waited.push(await timers.round());
  t.deepEqual(waited, [0, 1000, 2000, 4000, 8000, 16_000], 'backs off like a 5xx');
  t.true(gate.requestLines.every((n) => n >= SPLIT_FLOOR_LINES), `never split below the floor: ${gate.requestLines.join(',')}`);
  t.false(existsSync(join(tmp.path, 'rejected')), 'nothing set aside');
  t.like(sink.status(), { reachable: false, backlogPoints: 1000 });
  t.like(sink.stats(), { tooLargeAtFloor: 6, rejectedLines: 0, rejectedFiles: 0 });
  const logged = rec.entries.filter((e) => e.code === 'INFLUX_TOO_LARGE_SMALL_BATCH');
  t.is(logged.length, 1, 'logged once');
  t.regex(String(logged[0].msg), new RegExp(`InfluxDB ${gate.url} answered 413 .*proxy.*client_max_body_size`));

  gate.alwaysTooLarge(false);
  await timers.round();
  t.is(await vm.count('environment_temperature'), 1000, 'every point once the proxy is fixed');
  t.like(sink.status(), { reachable: true, backlogPoints: 0 });
});

test('413 splits a large batch in halves down to the floor, no further', async (t) => {
  const { vm, gate, tmp, timers, sink } = await sinkRig(t, true);
  gate.maxBodyBytes(400_000); // ~4,000 lines of ~95 bytes: 5,000 is too many, 2,500 fit
  sink.write(envPoints(5000, T0));
  sink.start();
  await timers.round();
  t.is(await vm.count('environment_temperature'), 5000);
  t.deepEqual(gate.requestLines, [5000, 2500, 2500]);
  gate.maxBodyBytes(5000); // not even the floor fits
  gate.requestLines.length = 0;
  sink.write(envPoints(5000, T0, 5000));
  await timers.round();
  // Halved while the batch is over both floors (100 lines and 64 KiB); the first one under is the last tried.
  const lineBytes = Buffer.byteLength(toLineProtocol(envPoints(1)[0])) + 1;
  const expected = [5000];
  while (expected.at(-1)! > SPLIT_FLOOR_LINES && expected.at(-1)! * lineBytes > SPLIT_FLOOR_BYTES) expected.push(Math.max(SPLIT_FLOOR_LINES, Math.floor(expected.at(-1)! / 2)));
  t.deepEqual(gate.requestLines, expected);
  t.true(expected.length >= 4);
  t.like(sink.status(), { reachable: false, backlogPoints: 5000 });
  t.false(existsSync(join(tmp.path, 'rejected')));
});

test('rejected/ not writable (a regular file): the 400 batch stays in the spool, counted, logged once; once writable it is set aside and the rest flows', async (t) => {
  const { vm, gate, tmp, rec, timers, sink } = await sinkRig(t, true, { batchSize: 10 });
  const rejectedDir = join(tmp.path, 'rejected');
  writeFileSync(rejectedDir, 'not a directory\n');
  gate.rejectWhen((line) => (line.includes('temperature=20.15,') ? 'field type conflict' : undefined));
  const bad = envPoints(10, T0, 10);
  sink.write([...envPoints(10, T0, 0), ...bad, ...envPoints(10, T0, 20)]);
  sink.start();
  const waited = [await timers.round(), await timers.round(), await timers.round()];
  t.deepEqual(waited, [0, 1000, 2000], 'retried with back-off');
  t.is(await vm.count('environment_temperature'), 10, 'the batch before it went through');
  t.like(sink.status(), { reachable: false, backlogPoints: 20 });
  t.like(sink.stats(), { setAsideFailures: 3, rejectedFiles: 0 });
  const errors = rec.entries.filter((e) => e.code === 'REJECTED_UNWRITABLE');
  t.is(errors.length, 1, 'logged once');
  t.regex(String(errors[0].msg), /rejected: cannot set aside rejected lines \(ENOTDIR\).*stays in the spool/);

  rmSync(rejectedDir);
  await timers.round();
  t.is(await vm.count('environment_temperature'), 20, 'the rest flows');
  const files = readdirSync(rejectedDir);
  t.is(files.length, 1);
  t.true(readFileSync(join(rejectedDir, files[0]), 'utf8').endsWith(`${bad.map(toLineProtocol).join('\n')}\n`));
  t.like(sink.stats(), { rejectedLines: 10, rejectedFiles: 1 });
  t.like(sink.status(), { reachable: true, backlogPoints: 0 });
});

test('an unexpected error in the send loop is logged and retried: never an unhandled rejection', async (t) => {
  const { vm, tmp, rec, timers, sink } = await sinkRig(t, false);
  // The spool is real; its read() fails twice the way a bad disk would.
  const spool = (sink as unknown as { spool: { read: (n: number) => Promise<unknown> } }).spool;
  const read = spool.read.bind(spool);
  let failures = 2;
  spool.read = async (n) => {
    if (failures-- > 0) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    return read(n);
  };
  sink.write(envPoints(20, T0));
  sink.start();
  const waited = [await timers.round(), await timers.round(), await timers.round()];
  t.deepEqual(waited, [0, 1000, 2000]);
  t.is(await vm.count('environment_temperature'), 20);
  t.is(rec.entries.filter((e) => e.code === 'INFLUX_SINK_FAILED').length, 1);
  t.like(sink.stats(), { loopErrors: 2 });
  t.like(sink.status(), { reachable: true, backlogPoints: 0 });
});
