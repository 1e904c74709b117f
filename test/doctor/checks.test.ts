import test from 'ava';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type DisplayConfig } from '../../src/config/index.ts';
import {
  checkClock, checkConfig, checkDataDirLock, checkDisk, checkSerialDevice, checkSpi, DISK_HEADROOM_BYTES, exitCode, formatReport, warn, type SerialFs,
} from '../../src/doctor/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';

const sysErr = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

function fakeFs(files: Record<string, { target?: string; char?: boolean; denied?: boolean }>): SerialFs {
  return {
    realpath: async (p) => { if (!files[p]) throw sysErr('ENOENT'); return files[p].target ?? p; },
    stat: async (p) => ({ isCharacterDevice: () => files[p]?.char ?? false }),
    access: async (p) => { if (files[p]?.denied) throw sysErr('EACCES'); },
  };
}

test('config: a valid file passes and names the sink', async (t) => {
  const dir = await makeTempDir('doctor');
  t.teardown(dir.remove);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, 'serial:\n  path: /dev/espnow-broker\nnodes:\n  "a2:b2:c2:d2:e2:f2": Kitchen\n');
  const { result, config } = await checkConfig(file, {}, loadConfig);
  t.true(result.ok, result.detail);
  t.truthy(config);
  t.regex(result.detail, /1 node named, points to line-protocol files/);
});

test('config: an invalid file fails listing every problem, with the fix', async (t) => {
  const dir = await makeTempDir('doctor');
  t.teardown(dir.remove);
  const file = join(dir.path, 'gateway.yaml');
  await writeFile(file, 'serial:\n  baudRate: 1234\nnodes:\n  "zz": Kitchen\n');
  const { result, config } = await checkConfig(file, {}, loadConfig);
  t.false(result.ok);
  t.is(config, undefined);
  t.true(result.detail.split('\n').length >= 2, result.detail);
  t.regex(result.detail, /serial/);
  t.regex(result.fix ?? '', /edit .*gateway\.yaml/);
});

test('serial: a by-id link to a readable tty passes and shows the target', async (t) => {
  const fs = fakeFs({ '/dev/serial/by-id/usb-x': { target: '/dev/ttyUSB0' }, '/dev/ttyUSB0': { char: true } });
  const r = await checkSerialDevice('/dev/serial/by-id/usb-x', fs);
  t.true(r.ok);
  t.is(r.detail, '/dev/serial/by-id/usb-x -> /dev/ttyUSB0: character device, read/write allowed');
});

test('serial: missing, not a tty, no permission each fail with their own fix', async (t) => {
  const fs = fakeFs({ '/tmp/file': { char: false }, '/dev/ttyACM0': { char: true, denied: true } });
  const missing = await checkSerialDevice('/dev/espnow-broker', fs);
  t.false(missing.ok);
  t.regex(missing.detail, /not there/);
  t.regex(missing.fix ?? '', /plug the broker/);
  const notTty = await checkSerialDevice('/tmp/file', fs);
  t.regex(notTty.detail, /not a character device/);
  const denied = await checkSerialDevice('/dev/ttyACM0', fs);
  t.regex(denied.detail, /no read\/write permission/);
  t.regex(denied.fix ?? '', /dialout/);
});

const display = (panel: DisplayConfig['panel']): DisplayConfig =>
  ({ panel, orientation: 'landscape', minRefreshS: 180, fullRefreshEvery: 10, busyTimeoutMs: 60000, pins: { rst: 17, dc: 25, busy: 24, pwr: 18 } });
const paths = { spidev: '/dev/spidev0.0', unit: '/etc/unit', panelDropIn: '/etc/unit.d/panel-spi.conf' };
const existing = (...present: string[]) => async (p: string): Promise<boolean> => present.includes(p);

test('spi: skipped without a panel; fails without spidev0.0 or without the /dev/mem drop-in; passes with both', async (t) => {
  t.true((await checkSpi(display('none'), paths, existing())).skipped);
  const off = await checkSpi(display('2in13b_v4'), paths, existing('/etc/unit'));
  t.false(off.ok);
  t.regex(off.fix ?? '', /do_spi 0/);
  const noDropIn = await checkSpi(display('2in13b_v4'), paths, existing('/dev/spidev0.0', '/etc/unit'));
  t.false(noDropIn.ok);
  t.regex(noDropIn.fix ?? '', /--panel yes/);
  t.true((await checkSpi(display('2in13b_v4'), paths, existing('/dev/spidev0.0', '/etc/unit', paths.panelDropIn))).ok);
  t.true((await checkSpi(display('2in13_v4'), paths, existing('/dev/spidev0.0'))).ok, 'not installed as a service: no drop-in needed');
});

test('clock: synced passes; unsynced fails and says what happens to readings', async (t) => {
  const now = () => Date.UTC(1970, 0, 1);
  t.true((await checkClock(true, async () => true, now)).ok);
  const held = await checkClock(true, async () => false, now);
  t.false(held.ok);
  t.regex(held.detail, /1970-01-01T00:00:00.000Z; readings are held/);
  t.regex(held.fix ?? '', /timedatectl timesync-status/);
  t.regex((await checkClock(false, async () => false, now)).detail, /requireSync is false/);
});

test('clock: a Pi waiting for NTP fails and says the readings wait on disk and for what', async (t) => {
  const now = () => Date.UTC(2026, 2, 14);
  const waiting = await checkClock(true, async () => ({ state: 'waiting', source: 'the flag file /run/systemd/timesync/synchronized' }), now);
  t.false(waiting.ok);
  t.regex(waiting.detail, /held on disk \(dataDir\/held\) and stored with the time they arrived once it syncs; waiting for the flag file \/run\/systemd\/timesync\/synchronized/);
});

test('clock: no sync source on the machine passes with a plausible clock and says the gateway trusts it; fails before 2025', async (t) => {
  const none = async () => ({ state: 'no-source' as const, source: 'the flag file /run/systemd/timesync/synchronized' });
  const trusted = await checkClock(true, none, () => Date.UTC(2026, 2, 14));
  t.true(trusted.ok);
  t.regex(trusted.detail, /no sync source on this machine .*: the gateway trusts the system clock, which reads 2026-03-14T00:00:00.000Z/);
  const early = await checkClock(true, none, () => Date.UTC(1970, 0, 1));
  t.false(early.ok);
  t.regex(early.detail, /before 2025: readings are held on disk/);
  t.regex(early.fix ?? '', /systemd-timesyncd/);
});

test('disk: enough room passes, too little fails, a missing dataDir is measured at its parent', async (t) => {
  const MiB = 1024 * 1024;
  const statfs = (freeBytes: number, existingDir: string) => async (p: string) => {
    if (p !== existingDir) throw sysErr('ENOENT');
    return { bavail: BigInt(freeBytes / 4096), bsize: 4096 };
  };
  const writable = async () => {};
  t.true((await checkDisk('/var/lib/g', 256 * MiB, statfs(256 * MiB + DISK_HEADROOM_BYTES, '/var/lib/g'), writable)).ok);
  const low = await checkDisk('/var/lib/g', 256 * MiB, statfs(100 * MiB, '/var/lib/g'), writable);
  t.false(low.ok);
  t.regex(low.detail, /100 MiB free, but the spool may use 256 MiB/);
  t.regex(low.fix ?? '', /spool\.maxBytes/);
  const parent = await checkDisk('/var/lib/g/data', MiB, statfs(1024 * MiB, '/var/lib'), writable);
  t.true(parent.ok);
  t.regex(parent.detail, /^\/var\/lib \(\/var\/lib\/g\/data does not exist yet\)/);
});

test('disk full: a real tmpfs filled to the last byte is named full, with what to do', async (t) => {
  const fs = await mountTmpfs(1024 * 1024);
  t.teardown(fs.remove);
  fs.fill();
  const { statfs } = await import('node:fs/promises');
  const r = await checkDisk(fs.path, 65536, statfs);
  t.false(r.ok);
  t.regex(r.detail, /the disk is full \(0 KiB free\): the spool cannot write/);
  t.regex(r.fix ?? '', /free space/);
});

test('dataDir not writable: a real read-only tmpfs and a denied access are named, with the fix', async (t) => {
  const fs = await mountTmpfs(1024 * 1024);
  t.teardown(fs.remove);
  fs.readOnly(true);
  const { statfs } = await import('node:fs/promises');
  const ro = await checkDisk(fs.path, 65536, statfs);
  t.false(ro.ok);
  t.regex(ro.detail, /is on a read-only file system: the spool cannot store points/);
  t.regex(ro.fix ?? '', /remount,rw/);
  const denied = await checkDisk(fs.path, 65536, statfs, async () => { throw sysErr('EACCES'); });
  t.regex(denied.detail, /is not writable \(EACCES\)/);
  t.regex(denied.fix ?? '', /chown/);
});

test('disk: a real statfs of a temp dir', async (t) => {
  const dir = await makeTempDir('doctor');
  t.teardown(dir.remove);
  await mkdir(join(dir.path, 'd'));
  const { statfs } = await import('node:fs/promises');
  const r = await checkDisk(join(dir.path, 'd'), 65536, statfs);
  t.regex(r.detail, /MiB free/);
});

test('report: ✓/✗/- per check, the fix under failures only, exit 1 on a failure and 0 with only skips', (t) => {
  const results = [
    { name: 'a', ok: true, detail: 'fine', fix: 'never shown' },
    { name: 'b', ok: false, detail: 'line 1\nline 2', fix: 'do this' },
    { name: 'c', ok: false, skipped: true, detail: 'needs b' },
  ];
  t.is(formatReport(results, 'g.yaml'), [
    'espnow-gateway doctor: g.yaml', '',
    '✓ a', '    fine',
    '✗ b', '    line 1', '    line 2', '    fix: do this',
    '- c', '    needs b',
    '', '1 passed, 1 failed, 1 skipped', '',
  ].join('\n'));
  t.is(exitCode(results), 1);
  t.is(exitCode([results[0], results[2]]), 0);
});

test('report: a warning is "!" with its fix, counted as passed, and does not fail doctor', (t) => {
  const results = [warn('secrets', 'g.yaml: influx.tokenFile: /t is readable by others (mode 0644); run: chmod 600 /t', 'chmod 600 /t')];
  t.is(formatReport(results, 'g.yaml'), [
    'espnow-gateway doctor: g.yaml', '',
    '! secrets', '    g.yaml: influx.tokenFile: /t is readable by others (mode 0644); run: chmod 600 /t', '    fix: chmod 600 /t',
    '', '1 passed (1 with a warning), 0 failed, 0 skipped', '',
  ].join('\n'));
  t.is(exitCode(results), 0);
});

test('dataDir lock: a stale lock and no lock are information; an unreadable one is a warning', (t) => {
  t.like(checkDataDirLock('/d', () => ({ state: 'free' })), { ok: true, detail: 'no gateway is running on /d' });
  const stale = checkDataDirLock('/d', () => ({ state: 'stale', reason: 'PID 7 is gone', raw: '' }));
  t.true(stale.ok);
  t.regex(stale.detail, /stale lock is left \(PID 7 is gone\): the next start takes it over/);
  const denied = checkDataDirLock('/d', () => { throw new Error('EACCES: permission denied'); });
  t.like(denied, { ok: true, warning: true });
});
