import test, { type ExecutionContext } from 'ava';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';
import { FakeTimers } from './fake-timers.ts';
import { startHoldProxy } from './hold-proxy.ts';
import { envPoints, makeInfluxSink } from './sink-fixtures.ts';
import { BURST_GAP_MS, BURST_MIN_LINES } from '../../src/sinks/influx-sink.ts';

// When the sink sends: at once when idle, right after the request in flight
// otherwise, never early while backing off. The clock is injected and never
// moved here unless a test fires a timer, so anything sent was sent without
// waiting for the flush interval; the server, proxy, spool and files are real.

const T0 = 1_700_000_000_123_000;

/** A real VictoriaMetrics behind a hold proxy, a temp dataDir, fake timers and a started InfluxSink whose start-up round (empty spool) has run. */
async function wakeRig(t: ExecutionContext) {
  const vm = await startVictoria();
  const proxy = await startHoldProxy(vm.url);
  const tmp = await makeTempDir('influx');
  const timers = new FakeTimers();
  const sink = await makeInfluxSink(tmp.path, recordingLog().log, {
    url: proxy.url, timers, flushIntervalMs: 1000, minRetryMs: 1000, maxRetryMs: 60_000, random: () => 0,
  });
  t.teardown(async () => {
    proxy.hold(false);
    proxy.release();
    await sink.stop();
    await proxy.stop();
    await vm.stop();
    await tmp.remove();
  });
  sink.start();
  t.is(await timers.round(), 0, 'the start-up round runs at once');
  t.deepEqual(proxy.requestLines, [], 'an empty spool sends nothing');
  return { vm, proxy, timers, sink, startedAt: timers.now() };
}

const temperatures = (vm: { count(match?: string): Promise<number> }) => vm.count('environment_temperature');

test('a point written to an idle sink is sent without waiting for the flush interval; the writes of one event-loop turn go in one request', async (t) => {
  const { vm, proxy, timers, sink, startedAt } = await wakeRig(t);
  sink.write(envPoints(1, T0, 0));
  sink.write(envPoints(2, T0, 1));
  sink.write(envPoints(3, T0, 3));
  await waitFor(async () => (await temperatures(vm)) === 6, 5000, 'the points sent with no timer fired');
  await waitFor(() => sink.status().backlogPoints === 0, 5000, 'the points acknowledged');
  t.is(timers.now(), startedAt, 'no timer fired: the clock has not moved');
  t.deepEqual(proxy.requestLines, [6], 'one request for the turn, not one per write');
  t.is(timers.pending, 1, 'the flush interval still runs, as the longest wait');
  t.is(timers.delays.at(-1), 1000);
  t.like(sink.status(), { reachable: true });
});

test('points written while a request is in flight go in one request right after it is acknowledged', async (t) => {
  const { vm, proxy, timers, sink, startedAt } = await wakeRig(t);
  proxy.hold(true);
  sink.write(envPoints(1, T0, 0));
  await waitFor(() => proxy.held() === 1, 5000, 'the first request in flight');
  for (let i = 0; i < 5; i++) {
    sink.write(envPoints(10, T0, 1 + i * 10));
    await sleep(10); // each write in its own event-loop turn, like frames 10 ms apart
  }
  t.deepEqual(proxy.requestLines, [1], 'nothing else is sent while a request is in flight');
  proxy.hold(false);
  proxy.release();
  await waitFor(() => sink.status().backlogPoints === 0, 5000, 'everything acknowledged');
  t.is(await temperatures(vm), 51);
  t.deepEqual(proxy.requestLines, [1, 50], 'the five writes made during the request went in one request');
  t.is(timers.now(), startedAt, 'no timer fired');
});

test('while backing off after a failure, writes do not wake the sink: the retry waits its delay, then sends everything at once', async (t) => {
  const { vm, proxy, timers, sink } = await wakeRig(t);
  await vm.kill();
  sink.write(envPoints(10, T0, 0));
  await waitFor(() => !sink.status().reachable, 5000, 'the round the write started fails');
  t.deepEqual(proxy.requestLines, [10]);
  for (let i = 1; i <= 3; i++) {
    sink.write(envPoints(10, T0, i * 10));
    await sleep(20);
  }
  await sleep(100);
  t.deepEqual(proxy.requestLines, [10], 'no request while backing off');
  t.is(timers.pending, 1, 'only the retry timer waits');
  t.is(timers.delays.at(-1), 1000, 'the back-off is minRetryMs, as before');
  await vm.restart();
  t.is(await timers.round(), 1000, 'the retry came after its delay');
  t.is(await temperatures(vm), 40);
  t.deepEqual(proxy.requestLines, [10, 40]);
  t.like(sink.status(), { reachable: true, backlogPoints: 0 });
});

test('stop() waits for the request in flight, then sends what arrived meanwhile', async (t) => {
  const { vm, proxy, sink } = await wakeRig(t);
  proxy.hold(true);
  sink.write(envPoints(5, T0, 0));
  await waitFor(() => proxy.held() === 1, 5000, 'a request in flight');
  sink.write(envPoints(5, T0, 5));
  const stopped = sink.stop();
  await sleep(50);
  proxy.hold(false);
  proxy.release();
  await stopped;
  t.is(await temperatures(vm), 10);
  t.deepEqual(proxy.requestLines, [5, 5]);
});

test('after a burst-sized batch (200 lines or more, not a full one) the next request waits BURST_GAP_MS, whatever is written meanwhile; a trickle never waits', async (t) => {
  const { vm, proxy, timers, sink, startedAt } = await wakeRig(t);
  sink.write(envPoints(BURST_MIN_LINES + 50, T0, 0));
  await waitFor(() => sink.status().backlogPoints === 0 && timers.pending > 0, 5000, 'the burst batch acknowledged');
  t.deepEqual(proxy.requestLines, [BURST_MIN_LINES + 50]);
  t.is(timers.delays.at(-1), BURST_GAP_MS, 'the next round is held for the gap');
  sink.write(envPoints(10, T0, 1000));
  await sleep(300);
  t.deepEqual(proxy.requestLines, [BURST_MIN_LINES + 50], 'a write during the gap does not start a request');
  t.is(await timers.round(), BURST_GAP_MS);
  await waitFor(async () => (await temperatures(vm)) === BURST_MIN_LINES + 60, 5000, 'the gathered points sent after the gap');
  t.deepEqual(proxy.requestLines, [BURST_MIN_LINES + 50, 10]);
  t.is(timers.delays.at(-1), 1000, 'a small batch: back to the flush interval as the longest wait');
  sink.write(envPoints(3, T0, 2000));
  await waitFor(() => proxy.requestLines.length === 3, 5000, 'a trickle goes at once');
  t.is(timers.now(), startedAt + BURST_GAP_MS);
});
