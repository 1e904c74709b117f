import test from 'ava';
import { access, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSerialDevice } from '../../src/doctor/serial-check.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real file system: /dev/null, a regular file and a socat pty.
const fs = { realpath, stat, access };

test('doctor: serial.path /dev/null is not a serial device (a character device, but no tty)', async (t) => {
  const r = await checkSerialDevice('/dev/null', fs);
  t.false(r.ok);
  t.is(r.detail, 'serial.path: /dev/null is not a serial device (a character device that is a tty); it is a character device that is not a tty');
  t.regex(r.fix ?? '', /\/dev\/serial\/by-id/);
});

test('doctor: serial.path a regular file is not a serial device', async (t) => {
  const dir = await makeTempDir('doctor-serial');
  t.teardown(dir.remove);
  const file = join(dir.path, 'ttyUSB0');
  await writeFile(file, '');
  const r = await checkSerialDevice(file, fs);
  t.false(r.ok);
  t.is(r.detail, `serial.path: ${file} is not a serial device (a character device that is a tty); it is not a character device`);
});

test('doctor: a pty behind a by-id style link passes', async (t) => {
  const pty = await startPtyPair();
  t.teardown(pty.stop);
  const r = await checkSerialDevice(pty.gatewayPath, fs);
  t.true(r.ok, r.detail);
  t.regex(r.detail, /-> \/dev\/pts\/\d+: character device, read\/write allowed$/);
});
