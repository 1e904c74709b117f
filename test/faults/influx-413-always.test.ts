import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxGate } from '../helpers/influx-gate.ts';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig, twice } from './rig.ts';

test.serial('server answers 413 to everything: no file per point in rejected/, points kept in the spool, one hint at a proxy limit; all arrive once it takes them', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, '413');
  const gate = await startInfluxGate({ target: rig.vm.url, token: 'secret', org: 'home', bucket: 'sensors' });
  t.teardown(() => gate.stop());
  gate.alwaysTooLarge(true); // nginx with a tiny client_max_body_size in front of InfluxDB
  const gw = await rig.start(await rig.configure({ url: gate.url }));

  const frames = numberedBatch(5, 0, 500);
  await rig.trickle(frames.text, 10, 20); // about 1 s
  const hint = await gw.waitForLog((l) => l.code === 'INFLUX_TOO_LARGE_SMALL_BATCH', 10_000, 'the 413 hint');
  t.regex(String(hint.msg), new RegExp(`InfluxDB ${gate.url} answered 413 .*reverse proxy.*client_max_body_size.*points wait in the spool`));
  await waitFor(() => {
    const keys = new Set(spooledLines(rig.spoolDir).map(keyOfLine));
    return frames.keys.every((k) => keys.has(k));
  }, 10_000, 'every frame in the spool');
  const refused = gate.statuses.filter((s) => s === 413).length;
  await waitFor(() => gate.statuses.filter((s) => s === 413).length > refused, 10_000, 'a retry after back-off');
  const rejected = join(rig.dataDir, 'rejected');
  t.false(existsSync(rejected) && readdirSync(rejected).length > 0, 'nothing set aside: no file explosion');
    t.is(gw.logs.filter((l) => l.code === 'INFLUX_TOO_LARGE_SMALL_BATCH').length, 1, 'the hint is logged once');
  t.is(await rig.vm.count('{__name__="node_awake"}'), 0);

  gate.alwaysTooLarge(false); // the proxy's limit is raised
  const stored = await rig.waitStored(frames.keys, 20_000, 'every frame after the fix');
  t.is(stored.size, frames.keys.length);
  t.deepEqual(twice(stored), [], 'no point stored twice');
  t.truthy(gw.logs.find((l) => l.msg === 'InfluxDB writes work again'));
  t.is(await gw.stop('SIGTERM'), 0);
});
