import test from 'ava';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig, twice, type Rig } from '../faults/rig.ts';
import { archiveOf, members, runCli } from './cli-run.ts';

/** Frames `batch` into the running gateway and waits until every one of them is in the spool files. */
async function spool(rig: Rig, batch: { text: string; keys: string[] }): Promise<void> {
  await rig.trickle(batch.text, 10, 20);
  await waitFor(() => {
    const keys = new Set(spooledLines(rig.spoolDir).map(keyOfLine));
    return batch.keys.every((k) => keys.has(k));
  }, 15_000, 'the frames in the spool');
}

test.serial('round trip: points spooled while VictoriaMetrics is down, backup, dataDir and config wiped, restore: every unsent point arrives once', async (t) => {
  t.timeout(90_000);
  const rig = await startRig(t, 'backup-rt');
  await rig.vm.kill();
  const config = await rig.configure();
  const gw = await rig.start(config);
  const batch = numberedBatch(4, 0, 200);
  await spool(rig, batch);
  t.is(await gw.stop('SIGTERM'), 0);
  const spooled = spooledLines(rig.spoolDir).length;

  const backup = await runCli(['backup', '--config', config, '--to', join(rig.dir.path, 'backups')]);
  t.is(backup.code, 0, backup.stderr);
  const archive = archiveOf(backup);
  const manifest = JSON.parse(members(archive).get('manifest.json')!.toString()) as { unsentPoints: number };
  t.is(manifest.unsentPoints, spooled, 'every spooled point is in the archive');

  await rm(rig.dataDir, { recursive: true });
  await rm(config);
  const restore = await runCli(['restore', '--config', config, archive]);
  t.is(restore.code, 0, restore.stderr);
  t.regex(restore.stdout, new RegExp(`unsent points: ${spooled} appended to the spool \\(0 were already waiting`));

  await rig.vm.restart();
  const again = await rig.start(config);
  const stored = await rig.waitStored(batch.keys, 30_000, 'every restored point in VictoriaMetrics');
  t.is(stored.size, batch.keys.length);
  t.deepEqual(twice(stored), [], 'none twice');
  t.is(await again.stop('SIGTERM'), 0);
});

test.serial('restore onto a dataDir with its own unsent points: both sets arrive', async (t) => {
  t.timeout(90_000);
  const rig = await startRig(t, 'backup-both');
  await rig.vm.kill();
  const config = await rig.configure();
  const first = await rig.start(config);
  const archived = numberedBatch(3, 0, 90);
  await spool(rig, archived);
  t.is(await first.stop('SIGTERM'), 0);
  const backup = await runCli(['backup', '--config', config, '--to', join(rig.dir.path, 'backups')]);
  t.is(backup.code, 0, backup.stderr);

  await rm(rig.dataDir, { recursive: true });
  const second = await rig.start(config);
  const own = numberedBatch(3, 500, 90);
  await spool(rig, own);
  t.is(await second.stop('SIGTERM'), 0);
  const ownLines = spooledLines(rig.spoolDir).length;

  const restore = await runCli(['restore', '--config', config, archiveOf(backup)]);
  t.is(restore.code, 0, restore.stderr);
  t.regex(restore.stdout, new RegExp(`\\(${ownLines} were already waiting there, kept\\)`));
  t.is(restore.stdout.match(/config: \S+ (\w+)/)?.[1], 'unchanged', 'the same config (its real token kept) is left alone');

  await rig.vm.restart();
  const third = await rig.start(config);
  const stored = await rig.waitStored([...archived.keys, ...own.keys], 30_000, 'both sets in VictoriaMetrics');
  t.is(stored.size, archived.keys.length + own.keys.length);
  t.deepEqual(twice(stored), []);
  t.is(await third.stop('SIGTERM'), 0);
});
