import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnGateway } from '../helpers/gateway-process.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** A good config with one thing broken; `DATA` is replaced by the test's data dir. */
interface Row { name: string; yaml: string; key: string }
const GOOD = (influx: string, nodes = '  "a2:b2:c2:d2:e2:f2": Kitchen') => `dataDir: DATA
serial:
  path: /dev/does-not-matter
influx:
${influx}
nodes:
${nodes}
clock:
  requireSync: false
`;
const INFLUX = '  url: http://127.0.0.1:1\n  org: home\n  bucket: sensors\n  token: t';

const ROWS: Row[] = [
  { name: 'missing serial.path', yaml: GOOD(INFLUX).replace('  path: /dev/does-not-matter\n', '  baudRate: 115200\n'), key: 'serial.path: required' },
  { name: 'missing influx.org', yaml: GOOD(INFLUX.replace('  org: home\n', '')), key: 'influx.org: required' },
  { name: 'bad MAC', yaml: GOOD(INFLUX, '  "a2:b2:c2:d2:e2:zz": Kitchen'), key: 'nodes["a2:b2:c2:d2:e2:zz"]: not a MAC address' },
  { name: 'bad URL', yaml: GOOD(INFLUX.replace('http://127.0.0.1:1', 'ftp://influx.local')), key: 'influx.url: not an http(s) URL' },
  { name: 'unreadable token file', yaml: GOOD(INFLUX.replace('  token: t', '  tokenFile: DATA/../no-such-token')), key: 'influx.tokenFile: cannot read' },
  { name: 'YAML syntax error', yaml: GOOD(INFLUX).replace('serial:\n', 'serial:\n  path: [unclosed\n'), key: 'YAML syntax' },
];

for (const row of ROWS) {
  test(`bad config (${row.name}): exit code 2, the file and key named, nothing written`, async (t) => {
    t.timeout(30_000);
    const dir = await makeTempDir('badcfg');
    t.teardown(() => dir.remove());
    const data = join(dir.path, 'data');
    const file = join(dir.path, 'gateway.yaml');
    await writeFile(file, row.yaml.replaceAll('DATA', data));
    const gw = spawnGateway(['run', '--config', file]);
    t.is(await gw.exited, 2);
    const problem = gw.stderr().split('\n').find((l) => l.includes(row.key));
    t.truthy(problem, `stderr names the key:\n${gw.stderr()}`);
    t.true(problem!.includes(file), 'and the file');
    t.regex(gw.stderr(), /refusing to start/);
    t.false(existsSync(data), 'nothing written to the data dir');
    t.deepEqual(gw.logs, [], 'no service log: it never started');
  });
}

/** Runs `run` and `check-config` on `file`; both must refuse with exit 2 naming the file and `key`. */
async function bothRefuse(t: import('ava').ExecutionContext, file: string, key: string): Promise<void> {
  for (const command of ['run', 'check-config']) {
    const gw = spawnGateway([command, '--config', file]);
    t.is(await gw.exited, 2, `${command}: ${gw.stderr()}`);
    const problem = gw.stderr().split('\n').find((l) => l.includes(`${file}: ${key}`));
    t.truthy(problem, `${command} names the file and key:\n${gw.stderr()}`);
    t.notRegex(gw.stderr(), /\n\s+at /, `${command}: no stack trace`);
    t.deepEqual(gw.logs, [], `${command}: no service log, it never started`);
  }
}

test.serial('YAML alias bomb: exit 2 naming the file, no stack trace', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('badcfg');
  t.teardown(() => dir.remove());
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, `${GOOD(INFLUX).replace('DATA', join(dir.path, 'data'))}${levels.join('\n')}\n`);
  await bothRefuse(t, file, 'YAML: too many aliases');
});

test.serial('dataDir is a regular file: run and check-config exit 2 naming the file and dataDir', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('badcfg');
  t.teardown(() => dir.remove());
  const data = join(dir.path, 'data');
  await writeFile(data, 'a file, not a directory');
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, GOOD(INFLUX).replaceAll('DATA', data));
  await bothRefuse(t, file, `dataDir: ${data} is not a directory`);
});

test.serial('dataDir on a read-only mount: run and check-config exit 2 naming the file and dataDir (also as root)', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('badcfg');
  const ro = join(dir.path, 'ro');
  await mkdir(ro);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
  t.teardown(async () => { execFileSync('umount', [ro]); await dir.remove(); });
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, GOOD(INFLUX).replaceAll('DATA', ro));
  await bothRefuse(t, file, `dataDir: ${ro} is not writable`);
  await writeFile(file, GOOD(INFLUX).replaceAll('DATA', join(ro, 'data')));
  await bothRefuse(t, file, `dataDir: ${join(ro, 'data')} does not exist and cannot be created: ${ro} is not writable`);
});

test.serial('unexpected error in run (dataDir/spool is a file): one line on stderr and exit 1, the stack in the log, the lock released', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('badcfg');
  t.teardown(() => dir.remove());
  const data = join(dir.path, 'data');
  await mkdir(data);
  await writeFile(join(data, 'spool'), 'a file where the spool directory goes');
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, GOOD(INFLUX).replaceAll('DATA', data));
  const gw = spawnGateway(['run', '--config', file]);
  t.is(await gw.exited, 1);
  t.regex(gw.stderr(), /^espnow-gateway run: unexpected error, exiting: .*spool.* \(the stack is in the log\)\n$/);
  const fatal = gw.logs.find((l) => l.level === 60);
  t.regex(String((fatal?.err as { stack?: string } | undefined)?.stack), /\n\s+at /, 'the stack is in the log');
  t.false(existsSync(join(data, 'gateway.lock')), 'the lock is released');
});

test.serial('token file readable by others: a warning with the chmod from check-config (exit 0) and in the run log, not an error', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('badcfg');
  t.teardown(() => dir.remove());
  const token = join(dir.path, 'influx-token');
  await writeFile(token, 'secret\n');
  await chmod(token, 0o644);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, GOOD(INFLUX.replace('  token: t', `  tokenFile: ${token}`)).replaceAll('DATA', join(dir.path, 'data')));
  const warning = `${file}: influx.tokenFile: ${token} (the InfluxDB token) is readable by group and others (mode 0644); run: chmod 600 ${token}`;
  const check = spawnGateway(['check-config', '--config', file]);
  t.is(await check.exited, 0);
  t.is(check.stderr(), `espnow-gateway check-config: warning: ${warning}\n`);
  const gw = spawnGateway(['run', '--config', file]);
  t.teardown(() => gw.stop('SIGKILL').then(() => undefined));
  const logged = await gw.waitForLog((l) => l.level === 40 && String(l.msg).includes('influx.tokenFile'), 30_000);
  t.is(logged.msg, warning);
  await gw.waitForLog((l) => l.msg === 'gateway started', 30_000);
  t.is(await gw.stop('SIGTERM'), 0);
});
