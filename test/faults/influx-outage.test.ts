import test from 'ava';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { sleep } from '../helpers/wait-for.ts';
import { startRig, twice } from './rig.ts';

// The library's own retry window: @influxdata/influxdb-client 1.35's WriteApi
// (DEFAULT_WriteOptions) retries a batch at most maxRetries = 5 times within
// maxRetryTime = 180 s (minRetryDelay 5 s, x2 per attempt up to 125 s, 200 ms
// jitter), keeping at most maxBufferLines = 32000 lines in memory, then drops
// it. The gateway does not use WriteApi: it calls the client's transport once
// per batch, keeps the batch in the spool on disk and retries with its own
// back-off (1 s doubling to 60 s, +20 % jitter), never giving up. So what
// needs proving is that a batch survives failed attempts and is sent exactly
// once after the server is back. Here, with the real CLI and real time, an
// outage of 2.5 s spans the first failure and the retry about 1 s later; the
// next (about 3 s after the first failure) meets the server again. The long
// outage (ten minutes of back-off up to 60 s) runs on an injected clock in
// test/sinks/influx-sink-retry.test.ts, without sleeping.
const OUTAGE_MS = 2500;

test.serial('InfluxDB stopped mid-stream for several retry rounds: every point arrives, none twice', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'outage');
  const gw = await rig.start(await rig.configure());

  const before = numberedBatch(5, 0, 100);
  const during = numberedBatch(5, 20, 100);
  const after = numberedBatch(5, 80, 100);
  await rig.trickle(before.text, 5, 50);
  await rig.waitStored(before.keys.slice(0, 50), 15_000, 'first points before the outage');

  await rig.vm.kill();
  const downAt = Date.now();
  // Frames keep coming while the server is down: 50 per second for about 2 s.
  await rig.trickle(during.text, 5, 100);
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
  await rig.vm.restart();
  await rig.trickle(after.text, 5, 50);

  const all = [...before.keys, ...during.keys, ...after.keys];
  const stored = await rig.waitStored(all, 40_000, 'every point after the outage');
  t.is(stored.size, all.length, 'exactly the frames sent');
  t.deepEqual(twice(stored), [], 'no point stored twice');
  const warned = gw.logs.filter((l) => l.code === 'INFLUX_UNREACHABLE');
  t.is(warned.length, 1, 'the outage is logged once, not per retry');
  const back = gw.logs.find((l) => l.msg === 'InfluxDB writes work again');
  t.truthy(back, 'recovery is logged');
  t.true(Number(back?.downMs) >= OUTAGE_MS - 1000, `outage length logged (${String(back?.downMs)} ms)`);
});
