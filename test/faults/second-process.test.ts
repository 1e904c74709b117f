import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGateway } from '../helpers/gateway-process.ts';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { startRig, twice } from './rig.ts';

// Issue 10, fault 2: a second gateway started by hand on the running one's
// dataDir deleted its active segment (12,400 of 15,000 frames lost). Now the
// dataDir lock makes the second refuse to start before it touches the spool.
test.serial('second gateway on one dataDir: refused with exit 2 naming the dataDir and the PID; the first keeps every frame; after SIGKILL a new one takes the stale lock over', async (t) => {
  t.timeout(120_000);
  const rig = await startRig(t, 'second');
  const config = await rig.configure();
  const first = await rig.start(config);
  const pid = first.child.pid!;
  const lockFile = join(rig.dataDir, 'gateway.lock');
  t.like(JSON.parse(readFileSync(lockFile, 'utf8')), { pid });

  const before = numberedBatch(4, 0, 200);
  const during = numberedBatch(4, 50, 200);
  await rig.trickle(before.text, 4, 10);
  const feeding = rig.trickle(during.text, 4, 20);
  const second = spawnGateway(['run', '--config', config]);
  t.is(await second.exited, 2, second.stderr());
  t.regex(second.stderr(), new RegExp(`^espnow-gateway run: ${config}: dataDir: ${rig.dataDir} is in use by another gateway \\(PID ${pid}, running since .*: refusing to start\\n$`));
  const check = spawnGateway(['check-config', '--config', config]);
  t.is(await check.exited, 0, check.stderr());
  t.true(check.logs.some((l) => String(l.text).startsWith(`a gateway (PID ${pid}, since `) && String(l.text).endsWith(`is running on this dataDir (${rig.dataDir})`)),
    `check-config says who holds the dataDir: ${JSON.stringify(check.logs)}`);
  await feeding;
  const stored = await rig.waitStored([...before.keys, ...during.keys], 30_000, 'every frame of the first gateway');
  t.deepEqual(twice(stored), []);
  t.like(JSON.parse(readFileSync(lockFile, 'utf8')), { pid }, 'neither the second nor check-config took or removed the lock');

  first.child.kill('SIGKILL');
  t.is(await first.exited, 'SIGKILL');
  t.true(existsSync(lockFile), 'SIGKILL leaves the lock behind');
  const next = await rig.start(config);
  const takeOver = await next.waitForLog((l) => String(l.msg).startsWith('took over the stale lock'), 5_000);
  t.is(takeOver.msg, `took over the stale lock on ${rig.dataDir}: PID ${pid} is gone`);
  const after = numberedBatch(4, 100, 40);
  await rig.trickle(after.text, 4, 10);
  await rig.waitStored(after.keys, 20_000, 'frames after the restart');
  t.is(await next.stop('SIGTERM'), 0);
  t.false(existsSync(lockFile), 'a normal stop releases the lock');
});
