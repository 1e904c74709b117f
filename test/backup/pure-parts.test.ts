import test from 'ava';
import { archiveName } from '../../src/backup/archive-name.ts';
import { redactConfig, secretFilesOf } from '../../src/backup/config-secrets.ts';
import { checkManifest } from '../../src/backup/manifest.ts';
import { archivesToDelete } from '../../src/backup/retention.ts';

const redactions: [string, string, string[]][] = [
  ['influx:\n  token: abc # the token\n', 'influx:\n  token: REDACTED-BY-BACKUP # the token\n', ['influx.token']],
  ['influx:\n  tokenFile: /etc/t\n', 'influx:\n  tokenFile: /etc/t\n', []],
  ['mqtt:\n  url: mqtt://x\n  password: p\n', 'mqtt:\n  url: mqtt://x\n  password: REDACTED-BY-BACKUP\n', ['mqtt.password']],
  ['serial: { path: /dev/x }\n', 'serial: { path: /dev/x }\n', []],
];
for (const [input, output, keys] of redactions) {
  test(`redactConfig: ${JSON.stringify(input)}`, (t) => t.deepEqual(redactConfig(input), { text: output, redacted: keys }));
}

test('secretFilesOf: token file, API tokens file (default in dataDir)', (t) => {
  t.deepEqual(secretFilesOf({ influx: { tokenFile: '/etc/e/influx-token' } }, '/d'), [
    { key: 'influx.tokenFile', path: '/etc/e/influx-token' }, { key: 'api.tokensFile', path: '/d/api-tokens.json' },
  ]);
});

const manifest = { format: 1, gatewayVersion: '0.1.0', createdAt: 'x', gateway: 'g', configFile: '/c', withSecrets: false, unsentPoints: 0, notes: [], files: [{ path: 'config/gateway.yaml', size: 1, sha256: 'a'.repeat(64), role: 'config' }] };
const manifests: [string, unknown, RegExp | undefined][] = [
  ['valid', manifest, undefined],
  ['unknown format', { ...manifest, format: 2 }, /format 2 is not known/],
  ['no config', { ...manifest, files: [] }, /no config member/],
  ['bad sha', { ...manifest, files: [{ ...manifest.files[0], sha256: 'zz' }] }, /files\[0\]/],
  ['unknown role', { ...manifest, files: [{ ...manifest.files[0], role: 'x' }] }, /role "x" unknown/],
  ['not an object', [], /not a JSON object/],
];
for (const [name, value, problem] of manifests) {
  test(`checkManifest: ${name}`, (t) => {
    const result = checkManifest(value);
    if (problem) t.regex(result as string, problem);
    else t.is(typeof result, 'object');
  });
}

test('archive names sort by time; retention deletes the oldest of this gateway only', (t) => {
  const names = [0, 1, 2, 3].map((d) => archiveName('pi', Date.UTC(2025, 0, 1 + d)));
  t.is(names[0], 'espnow-gateway-pi-20250101T000000.000Z.tar.gz');
  const other = archiveName('other', 0);
  t.deepEqual(archivesToDelete([names[3], other, names[1], 'notes.txt', names[0], names[2]], 'pi', 2), [names[0], names[1]]);
  t.deepEqual(archivesToDelete(names, 'pi', 10), []);
});
