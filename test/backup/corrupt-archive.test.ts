import test from 'ava';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { archiveOf, runCli, treeOf } from './cli-run.ts';
import { fixtureConfig, fixtureSpool, fixtureState } from './fixture-data-dir.ts';

/** A backup of a fixture dataDir; then the target dataDir gets its own spool and the config file is removed. */
async function setUp(t: import('ava').ExecutionContext): Promise<{ archive: string; config: string; dataDir: string; restoreTo: string }> {
  const dir = await makeTempDir('backup-corrupt');
  t.teardown(() => dir.remove());
  const config = await fixtureConfig(dir.path);
  const dataDir = join(dir.path, 'data');
  await fixtureSpool(dataDir, 'a', 300, 50);
  await fixtureState(dataDir);
  const backup = await runCli(['backup', '--config', config, '--to', join(dir.path, 'out')]);
  t.is(backup.code, 0, backup.stderr);
  return { archive: archiveOf(backup), config, dataDir, restoreTo: join(dir.path, 'restored.yaml') };
}

test('a flipped byte in the compressed archive: refused with exit 2 naming where, nothing changed', async (t) => {
  const { archive, dataDir, restoreTo } = await setUp(t);
  const bytes = readFileSync(archive);
  bytes[Math.floor(bytes.length / 2)] ^= 0x10;
  writeFileSync(archive, bytes);
  const before = treeOf(dataDir);
  const run = await runCli(['restore', '--config', restoreTo, archive]);
  t.is(run.code, 2, run.stdout);
  t.log(run.stderr.trim());
  t.regex(run.stderr, /archive damaged (inside|after) member \S+|member \S+: (SHA-256|\d+ bytes)/);
  t.deepEqual(treeOf(dataDir), before, 'the dataDir is as it was');
  t.false(existsSync(restoreTo), 'no config written');
});

test('a flipped byte inside the unsent points (gzip re-made, so only the checksum can tell): refused naming spool/unsent.lp', async (t) => {
  const { archive, dataDir, restoreTo } = await setUp(t);
  const tar = gunzipSync(readFileSync(archive));
  const at = tar.indexOf('node=a temperature=');
  t.true(at > 0);
  tar[at + 5] = 'b'.charCodeAt(0);
  writeFileSync(archive, gzipSync(tar));
  const before = treeOf(dataDir);
  const run = await runCli(['restore', '--config', restoreTo, archive]);
  t.is(run.code, 2);
  t.regex(run.stderr, /member spool\/unsent\.lp: SHA-256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64} \(damaged\)/);
  t.deepEqual(treeOf(dataDir), before);
  t.false(existsSync(restoreTo));
});

test('a manifest of an unknown format is refused naming it', async (t) => {
  const { archive, restoreTo } = await setUp(t);
  const tar = gunzipSync(readFileSync(archive));
  const at = tar.indexOf('"format": 1');
  tar.write('"format": 9', at);
  // The header checksum does not cover data; the manifest is the first member and has no hash of its own.
  writeFileSync(archive, gzipSync(tar));
  const run = await runCli(['restore', '--config', restoreTo, archive]);
  t.is(run.code, 2);
  t.regex(run.stderr, /manifest\.json: format 9 is not known to this gateway \(it reads format 1\)/);
});

test('an existing different config is not overwritten without --force; with it, it is', async (t) => {
  const { archive, config, dataDir, restoreTo } = await setUp(t);
  const before = treeOf(dataDir);
  // A different config already at the destination.
  writeFileSync(restoreTo, readFileSync(config, 'utf8').replace('gateway: bk', 'gateway: other'));
  const refused = await runCli(['restore', '--config', restoreTo, archive]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /restored\.yaml exists and differs from the archive's config: refusing to overwrite it \(--force replaces it\)/);
  t.deepEqual(treeOf(dataDir), before);
  const forced = await runCli(['restore', '--config', restoreTo, '--force', archive]);
  t.is(forced.code, 0, forced.stderr);
  t.regex(readFileSync(restoreTo, 'utf8'), /gateway: bk/);
});
