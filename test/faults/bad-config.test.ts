import test from 'ava';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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
