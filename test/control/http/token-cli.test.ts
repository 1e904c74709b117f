import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashToken } from '../../../src/control/http/token-file.ts';
import { REPO, writeConfig } from '../../helpers/gateway-process.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

// The real CLI as its own process (src/bin.ts through tsx), as a user runs it.

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'bin.ts'), ...args], { cwd: REPO, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

async function setup(t: import('ava').ExecutionContext, api: unknown = {}) {
  const dir = await makeTempDir('token-cli');
  t.teardown(dir.remove);
  const config = await writeConfig(dir.path, { dataDir: join(dir.path, 'data'), serial: { path: '/dev/null' }, ...(api === undefined ? {} : { api }) });
  return { dir: dir.path, config };
}

test('token add prints the new token once, alone on its last line; the file keeps only its SHA-256 (mode 0600)', async (t) => {
  const { dir, config } = await setup(t);
  const res = await cli(['token', 'add', '--config', config, '--scope', 'control', '--label', 'phone']);
  t.is(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  const token = lines.at(-1)!;
  t.regex(token, /^egw_[A-Za-z0-9_-]{43}$/);
  t.is(res.stdout.split(token).length, 2, 'the token appears exactly once');
  const file = join(dir, 'data', 'api-tokens.json');
  const text = await readFile(file, 'utf8');
  t.false(text.includes(token.slice(4)), 'the file does not hold the token');
  const stored = JSON.parse(text).tokens;
  t.is(stored.length, 1);
  t.like(stored[0], { sha256: hashToken(token), scope: 'control', label: 'phone', id: hashToken(token).slice(0, 8) });
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.regex(lines[0], new RegExp(`^token ${stored[0].id} \\(scope control, label "phone"\\) added to ${file}$`));
});

test('token add --scope read to api.tokensFile; list shows ids and scopes, never tokens; revoke removes one', async (t) => {
  const { dir, config } = await setup(t);
  await writeConfig(dir, { dataDir: join(dir, 'data'), serial: { path: '/dev/null' }, api: { tokensFile: join(dir, 'tokens.json') } });
  const a = await cli(['token', 'add', '--config', config, '--scope', 'read']);
  const b = await cli(['token', 'add', '--config', config, '--scope', 'control', '--label', 'ha']);
  // (one after the other: two writers at once would each rename their own copy over the file)
  t.is(a.code + b.code, 0, a.stderr + b.stderr);
  const stored = JSON.parse(await readFile(join(dir, 'tokens.json'), 'utf8')).tokens;
  t.deepEqual(stored.map((s: { scope: string }) => s.scope), ['read', 'control']);
  const list = await cli(['token', 'list', '--config', config]);
  t.is(list.code, 0);
  t.regex(list.stdout, new RegExp(`^${stored[0].id}  read     \\S+  \\n${stored[1].id}  control  \\S+  ha\\n$`));
  t.false(list.stdout.includes(a.stdout.trimEnd().split('\n').at(-1)!));
  const revoke = await cli(['token', 'revoke', '--config', config, stored[0].id]);
  t.is(revoke.code, 0, revoke.stderr);
  t.is(JSON.parse(await readFile(join(dir, 'tokens.json'), 'utf8')).tokens.length, 1);
  t.is((await cli(['token', 'revoke', '--config', config, stored[0].id])).code, 2);
});

test('token add without a scope, with an unknown scope or without --config: exit 2 with the usage, nothing written', async (t) => {
  const { dir, config } = await setup(t);
  const cases = [['add', '--config', config], ['add', '--config', config, '--scope', 'admin'], ['add', '--scope', 'read'], ['make', '--config', config]];
  const results = await Promise.all(cases.map((args) => cli(['token', ...args])));
  for (const [i, args] of cases.entries()) {
    const res = results[i];
    t.is(res.code, 2, args.join(' '));
    t.regex(res.stderr, /usage: espnow-gateway token add --config FILE --scope read\|control/);
    t.is(res.stdout, '');
  }
  await t.throwsAsync(stat(join(dir, 'data', 'api-tokens.json')));
});

test('token add with an invalid config names the file and key, exit 2', async (t) => {
  const { config } = await setup(t, { listen: '8080' });
  const res = await cli(['token', 'add', '--config', config, '--scope', 'read']);
  t.is(res.code, 2);
  t.true(res.stderr.includes(`${config}: api.listen: not host:port`), res.stderr);
});
