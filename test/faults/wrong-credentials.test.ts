import test from 'ava';
import { startInfluxGate } from '../helpers/influx-gate.ts';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

test.serial('wrong token (401): one clear error, points wait in the spool and flow once the token is fixed and the service restarted', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'creds');
  const gate = await startInfluxGate({ target: rig.vm.url, token: 'right-token', org: 'home', bucket: 'sensors' });
  t.teardown(() => gate.stop());
  const wrong = await rig.start(await rig.configure({ url: gate.url, token: 'wrong-token' }));

  const frames = numberedBatch(3, 0, 150);
  await rig.trickle(frames.text, 5, 40); // over about 1.2 s: many flush intervals
  const error = await wrong.waitForLog((l) => l.code === 'INFLUX_UNAUTHORIZED', 10_000, '401 error');
  t.is(error.level, 50, 'logged as an error');
  t.regex(String(error.msg), /influx\.token: .* rejected the token \(401 unauthorized access\); points wait in the spool/);
  t.false(String(error.msg).includes('wrong-token'), 'the secret is not logged');
  await waitFor(() => {
    const keys = new Set(spooledLines(rig.spoolDir).map(keyOfLine));
    return frames.keys.every((k) => keys.has(k));
  }, 10_000, 'every frame in the spool');
  t.is(wrong.logs.filter((l) => l.code === 'INFLUX_UNAUTHORIZED').length, 1, 'the error is logged once');
  t.true(gate.statuses.includes(401));
  t.is(await rig.vm.count('{__name__="node_awake"}'), 0, 'nothing reached the server');
  t.is(await wrong.stop('SIGTERM'), 0);

  const fixed = await rig.start(await rig.configure({ url: gate.url, token: 'right-token' }));
  const stored = await rig.waitStored(frames.keys, 20_000, 'the spooled points after the fix');
  t.is(stored.size, frames.keys.length);
  t.is(fixed.logs.filter((l) => Number(l.level) >= 50).length, 0, 'no error after the fix');
  t.is(await fixed.stop('SIGTERM'), 0);
});
