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
// needs proving is that a batch survives several failed attempts and is sent
// exactly once after the server is back. An outage of 12 s spans four of the
// gateway's attempts (at about 1, 3, 7 and 15 s after the first failure), the
// last of which meets the server again; 180 s would only make the test slow.
const OUTAGE_MS = 12_000;

test.serial('InfluxDB stopped mid-stream for several retry rounds: every point arrives, none twice', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'outage');
  const gw = await rig.start(await rig.configure());

  const before = numberedBatch(5, 0, 100);
  const during = numberedBatch(5, 20, 300);
  const after = numberedBatch(5, 80, 100);
  await rig.trickle(before.text, 5, 50);
  await rig.waitStored(before.keys.slice(0, 50), 15_000, 'first points before the outage');

  await rig.vm.kill();
  const downAt = Date.now();
  // Frames keep coming while the server is down: 25 per second for the whole outage.
  await rig.trickle(during.text, 5, 200);
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
