import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkDataDirWritable, ConfigError, parseConfig } from '../../src/config/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const FILE = 'gateway.yaml';
const yaml = (dataDir: string): string => `dataDir: ${dataDir}\nserial: { path: /dev/ttyACM0 }\n`;

/** A read-only tmpfs (root passes access(W_OK) on it; only a real write says EROFS). */
async function readOnlyMount(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await makeTempDir('ro-mount');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir.path]);
  t.teardown(async () => { execFileSync('umount', [dir.path]); await dir.remove(); });
  return dir.path;
}

test('dataDir that is a regular file is a config error naming the file and dataDir', async (t) => {
  const dir = await makeTempDir('datadir');
  t.teardown(dir.remove);
  const data = join(dir.path, 'data');
  await writeFile(data, 'not a directory');
  const error = await t.throwsAsync(parseConfig(yaml(data), FILE, {}), { instanceOf: ConfigError });
  t.deepEqual(error!.problems, [`${FILE}: dataDir: ${data} is not a directory (it is a file)`]);
});

test('dataDir under a regular file is a config error', async (t) => {
  const dir = await makeTempDir('datadir');
  t.teardown(dir.remove);
  await writeFile(join(dir.path, 'file'), '');
  const problem = await checkDataDirWritable(join(dir.path, 'file', 'data', 'deeper'));
  t.regex(problem ?? '', /cannot be created: .*file is a file, not a directory/);
});

test('dataDir on a read-only mount is a config error, even for root', async (t) => {
  const ro = await readOnlyMount(t);
  const error = await t.throwsAsync(parseConfig(yaml(ro), FILE, {}), { instanceOf: ConfigError });
  t.regex(error!.problems[0], new RegExp(`^${FILE}: dataDir: ${ro} is not writable by user \\S+: EROFS \\(read-only file system\\)$`));
  const missing = await checkDataDirWritable(join(ro, 'data'));
  t.regex(missing ?? '', /does not exist and cannot be created: .* is not writable by user \S+: EROFS/);
});

test('a missing dataDir under a writable parent is fine and is not created; the probe file is gone', async (t) => {
  const dir = await makeTempDir('datadir');
  t.teardown(dir.remove);
  t.is(await checkDataDirWritable(join(dir.path, 'a', 'b')), undefined);
  t.deepEqual(await readdir(dir.path), []);
  await mkdir(join(dir.path, 'data'));
  t.is(await checkDataDirWritable(join(dir.path, 'data')), undefined);
  t.deepEqual(await readdir(join(dir.path, 'data')), []);
});
