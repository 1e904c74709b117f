import test from 'ava';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { archiveOf, members, runCli } from './cli-run.ts';
import { fixtureConfig, fixtureSpool } from './fixture-data-dir.ts';

const API_TOKENS = '{"tokens":[{"id":"t1","hash":"SECRET-API-HASH"}]}\n';

test('inline token and the API tokens file: absent without --with-secrets (placeholder and notes), present with it', async (t) => {
  const dir = await makeTempDir('backup-secrets');
  t.teardown(() => dir.remove());
  const config = await fixtureConfig(dir.path);
  const dataDir = join(dir.path, 'data');
  await fixtureSpool(dataDir, 's', 10);
  writeFileSync(join(dataDir, 'api-tokens.json'), API_TOKENS, { mode: 0o600 });

  const plain = await runCli(['backup', '--config', config, '--to', join(dir.path, 'out')]);
  t.is(plain.code, 0, plain.stderr);
  const whole = gunzipSync(readFileSync(archiveOf(plain))).toString('latin1');
  t.false(whole.includes('tok-inline-SECRET'), 'the inline token is nowhere in the archive');
  t.false(whole.includes('SECRET-API-HASH'), 'the API tokens file is not in it');
  const m = members(archiveOf(plain));
  t.regex(m.get('config/gateway.yaml')!.toString(), /token: REDACTED-BY-BACKUP/);
  const manifest = JSON.parse(m.get('manifest.json')!.toString()) as { withSecrets: boolean; notes: string[] };
  t.false(manifest.withSecrets);
  t.true(manifest.notes.some((n) => n.startsWith('influx.token: replaced by REDACTED-BY-BACKUP')));
  t.true(manifest.notes.some((n) => n.startsWith(`api.tokensFile: ${join(dataDir, 'api-tokens.json')} left out`)));

  const secret = await runCli(['backup', '--config', config, '--to', join(dir.path, 'out'), '--with-secrets']);
  t.is(secret.code, 0, secret.stderr);
  const s = members(archiveOf(secret));
  t.regex(s.get('config/gateway.yaml')!.toString(), /token: tok-inline-SECRET/);
  t.is(s.get('secrets/api.tokensFile')!.toString(), API_TOKENS);

  // Restored on a wiped machine: the tokens file comes back, private.
  await rm(dataDir, { recursive: true });
  await rm(config);
  const restore = await runCli(['restore', '--config', config, archiveOf(secret)]);
  t.is(restore.code, 0, restore.stderr);
  t.is(readFileSync(join(dataDir, 'api-tokens.json'), 'utf8'), API_TOKENS);
  t.is(statSync(join(dataDir, 'api-tokens.json')).mode & 0o777, 0o600);
  t.regex(readFileSync(config, 'utf8'), /tok-inline-SECRET/);
});

test('influx.tokenFile: left out without --with-secrets (the restore then names the missing file), carried and restored with it', async (t) => {
  const dir = await makeTempDir('backup-tokenfile');
  t.teardown(() => dir.remove());
  const tokenFile = join(dir.path, 'influx-token');
  writeFileSync(tokenFile, 'FILE-TOKEN-SECRET\n', { mode: 0o600 });
  const config = await fixtureConfig(dir.path, { tokenFile });
  await fixtureSpool(join(dir.path, 'data'), 'f', 5);

  const plain = await runCli(['backup', '--config', config, '--to', join(dir.path, 'out')]);
  t.is(plain.code, 0, plain.stderr);
  t.false(gunzipSync(readFileSync(archiveOf(plain))).toString('latin1').includes('FILE-TOKEN-SECRET'));
  const secret = await runCli(['backup', '--config', config, '--to', join(dir.path, 'out'), '--with-secrets']);
  t.is(secret.code, 0, secret.stderr);
  t.is(members(archiveOf(secret)).get('secrets/influx.tokenFile')!.toString(), 'FILE-TOKEN-SECRET\n');

  await rm(tokenFile);
  await rm(config);
  const refused = await runCli(['restore', '--config', config, archiveOf(plain)]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /the archive's config is not valid here:\n.*influx\.tokenFile: cannot read .*influx-token: ENOENT/);
  t.false(existsSync(config), 'nothing written');

  const restore = await runCli(['restore', '--config', config, archiveOf(secret)]);
  t.is(restore.code, 0, restore.stderr);
  t.is(readFileSync(tokenFile, 'utf8'), 'FILE-TOKEN-SECRET\n');
  t.is(statSync(tokenFile).mode & 0o777, 0o600);
});
