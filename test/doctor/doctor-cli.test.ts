import test from 'ava';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { doctor } from '../../src/cli/doctor.ts';
import { systemDoctorDeps } from '../../src/doctor/index.ts';
import { acquireDataDirLock } from '../../src/gateway/data-dir-lock.ts';
import { silentLogger } from '../../src/log.ts';
import { encodeLine } from '../../src/protocol/index.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { fakeInflux } from './fake-influx.ts';

// The whole command with the real deps (config loader, fs, serialport on a
// socat pty, fetch to a local InfluxDB stand-in); only the NTP state is given.

async function runDoctor(args: string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const code = await doctor(args, out, { ...systemDoctorDeps({}), clockSynced: async () => true });
  return { code, text };
}

test('doctor passes every check on a healthy set-up and exits 0; a bad token makes it exit 1 with the fix', async (t) => {
  const [pty, influx, dir] = await Promise.all([startPtyPair(), fakeInflux(t), makeTempDir('doctor')]);
  t.teardown(async () => { await pty.stop(); await dir.remove(); });
  const writer = setInterval(() => void pty.write(`${encodeLine('BOOT', ['1.0.0', 'a0b1c2d3e4f5', '6'])}\n`).catch(() => undefined), 50);
  t.teardown(() => clearInterval(writer));
  const config = (token: string): string => [
    `dataDir: ${join(dir.path, 'data')}`,
    `serial:\n  path: ${pty.gatewayPath}`,
    `influx:\n  url: ${influx.url}\n  org: home\n  bucket: sensors\n  token: ${token}`,
    'spool:\n  maxBytes: 65536',
    '',
  ].join('\n');
  const file = join(dir.path, 'gateway.yaml');

  await writeFile(file, config('good-token'));
  const good = await runDoctor(['--config', file, '--broker-wait', '10']);
  t.is(good.code, 0, good.text);
  for (const line of ['✓ config valid', '✓ serial device present and readable', '✓ broker BOOT or HB line within 15 s',
    '    ' + `${pty.gatewayPath}: BOOT: firmware 1.0.0, broker MAC a0b1c2d3e4f5, channel 6`, '✓ InfluxDB reachable',
    '✓ InfluxDB token valid, org and bucket exist', '- SPI for the e-ink panel', '✓ clock synced (NTP)', '✓ free disk for the spool']) {
    t.true(good.text.includes(line), `missing: ${line}\n${good.text}`);
  }

  await writeFile(file, config('stale-token'));
  const bad = await runDoctor(['--config', file, '--broker-wait', '10']);
  t.is(bad.code, 1);
  t.regex(bad.text, /✗ InfluxDB token valid, org and bucket exist\n.*HTTP 401.*\n    fix: create a write token/);
  t.regex(bad.text, /1 failed/);
});

test('doctor with an invalid config exits 1 and skips the rest; without --config it exits 2', async (t) => {
  const dir = await makeTempDir('doctor');
  t.teardown(dir.remove);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, 'serial: {}\n');
  const r = await runDoctor(['--config', file]);
  t.is(r.code, 1);
  t.regex(r.text, /✗ config valid/);
  t.regex(r.text, /- serial device\n    needs a valid config/);
  t.is((await runDoctor([])).code, 2);
});

test('doctor beside a running gateway says so (information), and warns about a token file others may read with the chmod', async (t) => {
  const dir = await makeTempDir('doctor');
  t.teardown(dir.remove);
  const data = join(dir.path, 'data');
  const token = join(dir.path, 'influx-token');
  await writeFile(token, 'secret\n', { mode: 0o644 });
  await chmod(token, 0o644);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, `dataDir: ${data}\nserial:\n  path: ${join(dir.path, 'no-broker')}\ninflux:\n  url: http://127.0.0.1:1\n  org: home\n  bucket: sensors\n  tokenFile: ${token}\n`);
  const lock = await acquireDataDirLock(data, { log: silentLogger });
  t.teardown(lock.release);
  const r = await runDoctor(['--config', file, '--broker-wait', '1']);
  t.true(r.text.includes(`! InfluxDB token readable only by the service\n    ${file}: influx.tokenFile: ${token} (the InfluxDB token) is readable by `), r.text);
  t.true(r.text.includes(`    fix: chmod 600 ${token}\n`), r.text);
  t.true(r.text.includes(`✓ gateway process on dataDir\n    a gateway (PID ${process.pid}, since `), r.text);
  t.true(r.text.includes(`is running on this dataDir (${data})`), r.text);
  t.regex(r.text, /passed \(1 with a warning\)/);
  t.true(existsSync(lock.path), 'doctor read the lock without taking or removing it');
});
