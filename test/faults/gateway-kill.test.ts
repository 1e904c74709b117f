import test from 'ava';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig, twice } from './rig.ts';

// SIGKILL cannot lose what the spool has handed to the kernel: append() stages
// the lines and one write(2) at the end of the event-loop turn hands them all
// over, and the page cache outlives the process. So the honest
// claim tested here is "every point that was in the spool files when the
// process died arrives after a restart"; what a power cut can take (the last
// fsyncIntervalMs) is tested in power-cut.test.ts.
test.serial('gateway SIGKILLed mid-stream while InfluxDB is down: after a restart every spooled point arrives', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'kill');
  const config = await rig.configure();
  const first = await rig.start(config);

  const acked = numberedBatch(4, 0, 80);
  await rig.trickle(acked.text, 4, 20);
  await rig.waitStored(acked.keys, 15_000, 'points before the outage');

  await rig.vm.kill();
  const waiting = numberedBatch(4, 20, 200);
  await rig.trickle(waiting.text, 10, 20);
  // Accepted = in the spool files (read from another process, as after a crash).
  await waitFor(() => {
    const keys = new Set(spooledLines(rig.spoolDir).map(keyOfLine));
    return waiting.keys.every((k) => keys.has(k));
  }, 15_000, 'the outage frames in the spool');

  // Mid-stream: a burst is still being read when the process dies.
  const burst = numberedBatch(4, 70, 400);
  await rig.pty.write(burst.text);
  first.child.kill('SIGKILL');
  t.is(await first.exited, 'SIGKILL');
  const spooled = new Set(spooledLines(rig.spoolDir).map(keyOfLine).filter((k) => k !== undefined));
  const burstSpooled = burst.keys.filter((k) => spooled.has(k)).length;
  t.log(`at the kill: ${spooled.size} points in the spool, ${burstSpooled} of the ${burst.keys.length}-frame burst`);
  for (const k of waiting.keys) if (!spooled.has(k)) t.fail(`${k} was accepted but is not in the spool after SIGKILL`);

  await rig.vm.restart();
  const second = await rig.start(config);
  const stored = await rig.waitStored([...acked.keys, ...spooled], 30_000, 'every spooled point after the restart');
  t.deepEqual(twice(stored).filter((k) => waiting.keys.includes(k)), [], 'the outage backlog is sent once');
  t.true([...stored.keys()].every((k) => acked.keys.includes(k) || waiting.keys.includes(k) || burst.keys.includes(k)), 'nothing but the frames sent');
  const opened = second.logs.find((l) => l.msg === 'spool open');
  t.true(Number(opened?.pendingLines) >= waiting.keys.length * 2, `the restarted gateway found the backlog (${String(opened?.pendingLines)} lines)`);
  t.is(await second.stop('SIGTERM'), 0);
});
