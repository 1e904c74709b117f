import test from 'ava';
import { readFileSync, rmSync } from 'node:fs';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { sleep } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5), counted after the name
}

test.serial('dataDir deleted (rm -rf) while running with InfluxDB up: frames after it arrive, the CPU does not spin, SIGTERM exits within 5 s', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'dirgone');
  const config = await rig.configure();
  const gw = await rig.start(config);
  const before = numberedBatch(3, 0, 300);
  await rig.trickle(before.text, 50, 10);
  await rig.waitStored(before.keys, 15_000, 'frames before the deletion');

  rmSync(rig.dataDir, { recursive: true, force: true });
  const after = numberedBatch(3, 100, 600);
  await rig.trickle(after.text, 50, 20);
  const stored = await rig.waitStored(after.keys, 15_000, 'frames sent after the deletion');
  t.is(after.keys.filter((k) => !stored.has(k)).length, 0);
  const logged = gw.logs.find((l) => String(l.msg).startsWith('spool directory deleted'));
  t.is(logged?.level, 50, 'a loud error says what happened');

  const pid = gw.child.pid!;
  const ticks = cpuTicks(pid);
  await sleep(2000);
  const cpu = (cpuTicks(pid) - ticks) / 100 / 2;
  t.log(`CPU while idle after the deletion: ${(cpu * 100).toFixed(1)} %`);
  t.true(cpu < 0.15, `no spin (${(cpu * 100).toFixed(1)} % of a core)`);

  const stopAt = performance.now();
  t.is(await gw.stop('SIGTERM'), 0);
  const stopMs = performance.now() - stopAt;
  t.log(`stopped in ${stopMs.toFixed(0)} ms`);
  t.true(stopMs < 5000, `SIGTERM exits within 5 s (${stopMs.toFixed(0)} ms)`);
});
