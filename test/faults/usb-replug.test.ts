import test from 'ava';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { sleep } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

test.serial('USB replug: the pty vanishes and a new one appears at the same link path; reading resumes by itself within 5 s', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'replug');
  const gw = await rig.start(await rig.configure());
  const before = numberedBatch(3, 0, 30);
  await rig.trickle(before.text, 3, 20);
  await rig.waitStored(before.keys, 15_000, 'points before the replug');

  for (let round = 0; round < 2; round++) {
    const unplugged = gw.logs.length;
    await rig.pty.vanish();
    await gw.waitForLog((l) => l.msg === 'broker serial port unavailable; reopening when it is back' && gw.logs.indexOf(l) >= unplugged, 10_000, 'unplug noticed');
    // Unplugged for a moment: long enough for a failed reopen attempt (the first comes 250 ms after the unplug).
    await sleep(400);
    const from = gw.logs.length;
    await rig.pty.reappear(); // a new /dev/pts/N behind the same socat link= path
    const backAt = Date.now();
    const back = await gw.waitForLog((l) => l.msg === 'broker serial port is back' && gw.logs.indexOf(l) >= from, 15_000, 'port back');
    const delayMs = Number(back.time) - backAt;
    t.log(`round ${round + 1}: reopened ${delayMs} ms after the device reappeared`);
    // The reopen back-off is 250 ms doubling to a 5 s cap, so the gateway's own log proves the bound.
    t.true(delayMs <= 5000, `resumed within 5 s (${delayMs} ms)`);
    const after = numberedBatch(3, 10 + round * 10, 30);
    await rig.trickle(after.text, 3, 20);
    await rig.waitStored(after.keys, 15_000, `points after replug ${round + 1}`);
  }
  t.is(await gw.stop('SIGTERM'), 0);
});
