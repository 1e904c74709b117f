import test from 'ava';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigWithWarnings, parseConfigWithWarnings } from '../../src/config/index.ts';
import { inlineTokenWarning, tokenFileWarning } from '../../src/config/secret-permissions.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const FILE = '/etc/espnow-gateway/gateway.yaml';
const TOKEN = '/etc/espnow-gateway/influx-token';

/** [case, mode, uid, gid, the chmod asked for or undefined for no warning]. */
const rows: Array<[string, number, number, number, string | undefined]> = [
  ['0600 owned by the service user: private', 0o600, 1000, 1000, undefined],
  ['0640 root:espnow-gateway (the installer layout): the group is the service', 0o640, 0, 999, undefined],
  ['0644 root:espnow-gateway: others read it, keep the group', 0o644, 0, 999, `chmod 640 ${TOKEN}`],
  ['0640 owned by the service user: the group reads it', 0o640, 1000, 1000, `chmod 600 ${TOKEN}`],
  ['0644 owned by the service user', 0o644, 1000, 1000, `chmod 600 ${TOKEN}`],
  ['0640 root:root', 0o640, 0, 0, `chmod 600 ${TOKEN}`],
];
for (const [name, mode, uid, gid, fix] of rows) {
  test(`token file permissions: ${name}`, (t) => {
    const warning = tokenFileWarning(FILE, TOKEN, { mode: 0o100000 | mode, uid, gid });
    if (fix === undefined) return t.is(warning, undefined);
    t.true(warning!.startsWith(`${FILE}: influx.tokenFile: ${TOKEN} (the InfluxDB token) is readable by `), warning);
    t.true(warning!.endsWith(`run: ${fix}`), warning);
  });
}

test('an inline token in a config readable by others: chmod 640 and a token file', (t) => {
  t.is(inlineTokenWarning(FILE, { mode: 0o640, uid: 0, gid: 999 }), undefined);
  t.regex(inlineTokenWarning(FILE, { mode: 0o644, uid: 0, gid: 0 })!, /^\/etc\/espnow-gateway\/gateway\.yaml: influx\.token: .*mode 0644.*run: chmod 640 \/etc\/espnow-gateway\/gateway\.yaml, .*influx\.tokenFile/);
});

test('token readable by others: loadConfig warns (not an error) with the chmod, for the token file and the inline token', async (t) => {
  const dir = await makeTempDir('secrets');
  t.teardown(dir.remove);
  const token = join(dir.path, 'influx-token');
  await writeFile(token, 'secret\n');
  await chown(token, process.getuid!(), process.getgid!());
  await chmod(token, 0o644);
  const withFile = join(dir.path, 'file.yaml');
  await writeFile(withFile, `dataDir: ${dir.path}/data\nserial: { path: /dev/x }\ninflux: { url: "http://x", org: o, bucket: b, tokenFile: ${token} }\n`);
  const loaded = await loadConfigWithWarnings(withFile, {});
  t.is(loaded.config.influx?.token, 'secret');
  t.deepEqual(loaded.warnings.map((w) => w.replace(/ is readable by .*run:/, ' ... run:')), [`${withFile}: influx.tokenFile: ${token} (the InfluxDB token) ... run: chmod 600 ${token}`]);
  await chmod(token, 0o600);
  t.deepEqual((await loadConfigWithWarnings(withFile, {})).warnings, []);

  const inline = join(dir.path, 'inline.yaml');
  await writeFile(inline, `dataDir: ${dir.path}/data\nserial: { path: /dev/x }\ninflux: { url: "http://x", org: o, bucket: b, token: t }\n`);
  await chmod(inline, 0o644);
  t.regex((await loadConfigWithWarnings(inline, {})).warnings.join('\n'), /influx\.token: .*run: chmod 640 /);
  await chmod(inline, 0o640);
  t.deepEqual((await loadConfigWithWarnings(inline, {})).warnings, []);
  t.deepEqual((await parseConfigWithWarnings('serial: { path: /dev/x }\ninflux: { url: "http://x", org: o, bucket: b, token: t }\n', 'text.yaml', {})).warnings, [], 'no file, no mode to judge');
});
