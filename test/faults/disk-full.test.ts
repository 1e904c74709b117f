import test from 'ava';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

test.serial('spool limit far below the backlog: oldest points dropped and counted, newest kept, the service stays up', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'full');
  // 256 KiB holds about 1000 of these frames (2 lines, ~250 bytes); the backlog is 4000.
  const config = await rig.configure({ spool: { maxBytes: 262_144 } });
  await rig.vm.kill();
  const gw = await rig.start(config);
  const frames = numberedBatch(4, 0, 4000);
  await rig.trickle(frames.text, 100, 10);
  const last = frames.keys.at(-1);
  await waitFor(() => spooledLines(rig.spoolDir).some((l) => keyOfLine(l) === last), 20_000, 'the newest frame in the spool');
  const fullLogs = () => gw.logs.filter((l) => l.msg === 'spool full: oldest segment deleted');
  const droppedSoFar = () => fullLogs().reduce((n, l) => n + Number(l.droppedLines), 0);
  // The log line of the last drop crosses the pipe from the child a little after the spool file changes.
  const spooled = spooledLines(rig.spoolDir);
  await waitFor(() => droppedSoFar() + spooled.length >= frames.keys.length * 2, 5_000, 'the log of every drop').catch(() => undefined);
  const full = fullLogs();
  t.true(full.length > 0, 'the drop is logged');
  t.true(full.every((l) => l.level === 40), 'at warn');

  const spooledKeys = spooled.map(keyOfLine).filter((k) => k !== undefined);
  const dropped = droppedSoFar();
  t.is(dropped + spooled.length, frames.keys.length * 2, 'every line is either still in the spool or counted as dropped');

  await rig.vm.restart();
  const stored = await rig.waitStored(spooledKeys, 30_000, 'the kept backlog');
  const first = frames.keys.findIndex((k) => stored.has(k));
  t.true(first > 0, `the oldest are gone (the first ${first} frames)`);
  t.deepEqual(frames.keys.slice(first).filter((k) => !stored.has(k)), [], 'from the oldest kept on, every frame is stored: the newest are kept');
  t.is(stored.size, frames.keys.length - first, 'nothing older came back');
  t.is(gw.child.exitCode, null, 'the service stayed up');
  t.is(await gw.stop('SIGTERM'), 0);
});
