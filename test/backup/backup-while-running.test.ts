import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig } from '../faults/rig.ts';
import { archiveOf, members, runCli } from './cli-run.ts';

test.serial('backup while the gateway runs and frames keep coming: not locked out, a consistent snapshot; restore onto it is refused with the PID', async (t) => {
  t.timeout(90_000);
  const rig = await startRig(t, 'backup-live');
  await rig.vm.kill();
  const config = await rig.configure();
  const gw = await rig.start(config);
  const early = numberedBatch(4, 0, 200);
  await rig.trickle(early.text, 10, 20);
  await waitFor(() => {
    const keys = new Set(spooledLines(rig.spoolDir).map(keyOfLine));
    return early.keys.every((k) => keys.has(k));
  }, 15_000, 'the first frames in the spool');

  // Frames keep arriving during the backup.
  const late = numberedBatch(4, 100, 400);
  const feeding = rig.trickle(late.text, 5, 5);
  const backup = await runCli(['backup', '--config', config, '--to', join(rig.dir.path, 'backups')]);
  await feeding;
  t.is(backup.code, 0, backup.stderr);
  t.true(existsSync(join(rig.dataDir, 'gateway.lock')), 'the gateway still holds its lock');
  t.is(gw.child.exitCode, null, 'the gateway still runs');

  const m = members(archiveOf(backup));
  const lines = m.get('spool/unsent.lp')!.toString().split('\n').filter((l) => l !== '');
  const manifest = JSON.parse(m.get('manifest.json')!.toString()) as { unsentPoints: number };
  t.is(lines.length, manifest.unsentPoints);
  const keys = lines.map(keyOfLine).filter((k) => k !== undefined);
  t.is(new Set(keys).size, keys.length, 'no point twice in the snapshot');
  for (const k of early.keys) if (!keys.includes(k)) t.fail(`${k} was in the spool before the backup but is not in it`);
  t.true(lines.every((l) => /^[a-z]+,\S+ \S+ \d+$/.test(l)), 'every line is a whole point (no torn record)');
  t.log(`${lines.length} points in the snapshot, ${keys.length - early.keys.length} of them from frames sent during the backup`);

  const refused = await runCli(['restore', '--config', config, archiveOf(backup)]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, new RegExp(`a gateway \\(PID ${gw.child.pid}, since .*\\) is running on this dataDir`));
  t.is(await gw.stop('SIGTERM'), 0);
});
