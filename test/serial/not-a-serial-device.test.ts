import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, spawnGateway, writeConfig } from '../helpers/gateway-process.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The real CLI with serial.path aimed at things that are no serial port.
const cases = [
  { name: '/dev/null', path: async () => '/dev/null', what: 'a character device that is not a tty' },
  { name: 'a regular file', path: async (dir: string) => { const f = join(dir, 'ttyUSB0'); await writeFile(f, ''); return f; }, what: 'not a character device' },
];

for (const c of cases) {
  test(`serial.path ${c.name}: run logs "not a serial device" once, keeps running, stops cleanly; doctor says the same`, async (t) => {
    t.timeout(60_000);
    const dir = await makeTempDir('not-serial');
    t.teardown(dir.remove);
    const path = await c.path(dir.path);
    const config = await writeConfig(dir.path, { dataDir: join(dir.path, 'data'), serial: { path }, clock: { requireSync: false } });
    const expected = `serial.path: ${path} is not a serial device (a character device that is a tty); it is ${c.what === 'not a character device' ? 'a regular file' : c.what}`;

    const gw = spawnGateway(['run', '--config', config]);
    t.teardown(() => gw.stop('SIGKILL'));
    const error = await gw.waitForLog((l) => l.level === 50, 20_000, 'the error');
    t.is(error.msg, expected);
    t.is(error.path, path, 'the log line names the path');
    await gw.waitForLog((l) => l.msg === 'gateway started', 10_000, 'started anyway');
    t.is(gw.logs.filter((l) => l.level === 50).length, 1);
    t.false(gw.logs.some((l) => String(l.msg).includes('Inappropriate ioctl')), 'no obscure serialport message');
    t.is(await gw.stop('SIGTERM'), 0);

    const doctor = await new Promise<string>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'bin.ts'), 'doctor', '--config', config], { cwd: REPO, timeout: 30_000 },
        (_err, stdout) => resolve(stdout));
    });
    t.true(doctor.includes(`serial.path: ${path} is not a serial device (a character device that is a tty); it is ${c.what}`), doctor);
  });
}
