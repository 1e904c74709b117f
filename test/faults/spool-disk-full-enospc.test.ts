import test from 'ava';
import { mkdirSync } from 'node:fs';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { mountTmpfsAt } from '../helpers/tmpfs.ts';
import { startRig } from './rig.ts';

test.serial('spool disk full (real ENOSPC on a tmpfs) with InfluxDB down: no crash, the log says disk full, and once space is back every frame arrives', async (t) => {
  t.timeout(60_000);
  const t0 = performance.now();
  const mark = (what: string) => t.log(`${what} at ${Math.round(performance.now() - t0)} ms`);
  const rig = await startRig(t, 'enospc');
  mkdirSync(rig.dataDir, { recursive: true });
  const fs = await mountTmpfsAt(rig.dataDir, 2 * 1024 * 1024);
  t.teardown(fs.remove);
  const config = await rig.configure();
  await rig.vm.kill();
  const gw = await rig.start(config);
  mark('started');
  fs.fill(); // the disk refuses every byte from here on

  const frames = numberedBatch(4, 0, 2000);
  await rig.trickle(frames.text, 100, 10);
  const full = await gw.waitForLog((l) => String(l.msg).startsWith('spool disk full'), 10_000, 'disk-full log line');
  t.is(full.level, 50, 'at error');
  t.like(full, { code: 'ENOSPC' });
  await new Promise((r) => setTimeout(r, 1500)); // a few fsync ticks while full: retried, not logged again, no crash
  t.is(gw.child.exitCode, null, 'the service stays up');
  t.is(gw.logs.filter((l) => String(l.msg).startsWith('spool disk full')).length, 1, 'logged once per episode');

  mark('full seen');
  fs.unfill();
  const back = await gw.waitForLog((l) => String(l.msg).startsWith('spool disk writes work again'), 10_000, 'recovery log line');
  t.true(Number(back.failures) >= 1);
  mark('recovered');
  await rig.vm.restart();
  const stored = await rig.waitStored(frames.keys, 20_000, 'every frame');
  mark('stored');
  t.is(stored.size, frames.keys.length);
  t.is(await gw.stop('SIGTERM'), 0);
});
