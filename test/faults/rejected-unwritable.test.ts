import test from 'ava';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxGate } from '../helpers/influx-gate.ts';
import { frameKey, keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig, twice } from './rig.ts';

test.serial('rejected/ not writable when the server refuses a batch (400): no crash, logged once, the batch kept; once writable it is set aside and the rest flows', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'rejected');
  const gate = await startInfluxGate({ target: rig.vm.url, token: 'secret', org: 'home', bucket: 'sensors' });
  t.teardown(() => gate.stop());
  const badKey = frameKey(2, 30);
  gate.rejectWhen((line) => (keyOfLine(line) === badKey ? 'field type conflict: input field "awake" on measurement "node" is type float, already exists as type integer' : undefined));
  // chmod 0555 does not stop root: a regular file where the directory should be does.
  mkdirSync(rig.dataDir, { recursive: true });
  const rejectedDir = join(rig.dataDir, 'rejected');
  writeFileSync(rejectedDir, 'in the way\n');
  const gw = await rig.start(await rig.configure({ url: gate.url }));

  const frames = numberedBatch(5, 0, 300);
  await rig.trickle(frames.text, 10, 20);
  const error = await gw.waitForLog((l) => l.code === 'REJECTED_UNWRITABLE', 10_000, 'the set-aside error');
  t.is(error.level, 40);
  t.regex(String(error.msg), /rejected: cannot set aside rejected lines \(ENOTDIR\).*stays in the spool/);
  const refused = gate.statuses.filter((s) => s === 400).length;
  await waitFor(() => gate.statuses.filter((s) => s === 400).length > refused, 10_000, 'a retry after back-off');
  t.is(gw.child.exitCode, null, 'still running');
  t.false(/unhandled|Uncaught/i.test(gw.stderr()), 'no unhandled rejection');
  t.is(gw.logs.filter((l) => l.code === 'REJECTED_UNWRITABLE').length, 1, 'logged once');
  t.true(gate.statuses.filter((s) => s === 400).length >= 2, 'retried');
  t.true(spooledLines(rig.spoolDir).some((l) => keyOfLine(l) === badKey), 'the refused batch is still in the spool');

  rmSync(rejectedDir);
  const asideKeys = await waitFor(() => {
    try {
      const files = readdirSync(rejectedDir);
      const keys = files.flatMap((f) => readFileSync(join(rejectedDir, f), 'utf8').split('\n').map(keyOfLine)).filter((k) => k !== undefined);
      return keys.includes(badKey) ? keys : undefined;
    } catch {
      return undefined;
    }
  }, 15_000, 'the batch set aside');
  t.is(readdirSync(rejectedDir).length, 1, 'one file for the one refused batch');
  const rest = frames.keys.filter((k) => !asideKeys.includes(k));
  const stored = await rig.waitStored(rest, 15_000, 'the rest after the set-aside');
  t.is(stored.size, rest.length, 'every other frame arrived; the set-aside ones did not');
  t.deepEqual(twice(stored), []);
  t.is(await gw.stop('SIGTERM'), 0);
});
