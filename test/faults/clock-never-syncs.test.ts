import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanRecords } from '../../src/spool/record-codec.ts';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { numberedBatch } from '../helpers/numbered-frames.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig, twice, type Rig } from './rig.ts';

// A Pi without an RTC that boots without network is the ordinary case: the
// clock is not synced, and `clock.requireSync` (default true) holds readings
// until it is. The gateway is made to see an unsynced clock through the
// test-only environment: ESPNOW_TIMESYNC_FLAG_FILE names the timesyncd flag
// file to watch, ESPNOW_TIMEDATECTL=none never asks timedatectl.

/** Config with the default `clock` section (requireSync true). */
const configure = (rig: Rig): Promise<string> =>
  writeConfig(rig.dir.path, {
    gateway: 'clock-gw',
    dataDir: rig.dataDir,
    serial: { path: rig.pty.gatewayPath, baudRate: 921600 },
    influx: { url: rig.vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
  });

async function start(t: ExecutionContext, config: string, flagFile: string): Promise<GatewayProcess> {
  const gw = spawnGateway(['run', '--config', config], { ESPNOW_TIMESYNC_FLAG_FILE: flagFile, ESPNOW_TIMEDATECTL: 'none' });
  t.teardown(() => gw.stop('SIGKILL').then(() => undefined));
  await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 20_000, 'serial port open');
  return gw;
}

/** Held readings in `<dataDir>/held`, read from outside the process as after a crash. */
function heldOnDisk(dataDir: string): number {
  const dir = join(dataDir, 'held');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + scanRecords(readFileSync(join(dir, f))).lines.filter((l) => l.startsWith('r ')).length, 0);
}

const msgOf = (l: Record<string, unknown>): string => String(l.msg);

test.serial('the clock never syncs: held readings are on disk at SIGTERM, named in the stop log, and stored with their arrival time once it syncs', async (t) => {
  t.timeout(90_000);
  const rig = await startRig(t, 'clock-sync');
  const config = await configure(rig);
  const timesync = join(rig.dir.path, 'timesync');
  mkdirSync(timesync); // timesyncd runs (its RuntimeDirectory exists) but has not synced
  const flag = join(timesync, 'synchronized');

  const first = await start(t, config, flag);
  const said = await first.waitForLog((l) => msgOf(l).startsWith('clock not synced'), 5_000, 'held-readings notice at start');
  t.true(String(said.waitingFor).includes(flag), 'the log names what the gateway waits for');

  const batch = numberedBatch(10, 0, 2_000);
  const fedFrom = Date.now();
  await rig.trickle(batch.text, 200, 10);
  const fedTo = Date.now();
  await waitFor(() => heldOnDisk(rig.dataDir) === batch.keys.length || undefined, 15_000, 'every reading held on disk');
  t.is((await rig.stored()).size, 0, 'nothing stored with an untrusted time');

  t.is(await first.stop('SIGTERM'), 0);
  const stopLine = first.logs.find((l) => msgOf(l).startsWith('stopping with'));
  t.is(stopLine?.held, batch.keys.length);
  t.regex(msgOf(stopLine ?? {}), /held on disk .*stored once the clock syncs/);
  t.is(first.logs.find((l) => l.msg === 'gateway stopped')?.heldReadings, batch.keys.length);
  t.is(heldOnDisk(rig.dataDir), batch.keys.length, 'still on disk after the process ended');

  const second = await start(t, config, flag);
  const found = await second.waitForLog((l) => msgOf(l).includes('found on disk'), 5_000, 'held readings found at start');
  t.is(found.held, batch.keys.length);
  writeFileSync(flag, ''); // NTP syncs
  const releasedAt = Date.now();
  const stored = await rig.waitStored(batch.keys, 30_000, 'every held reading after the sync');
  t.deepEqual(twice(stored), [], 'each stored once');
  const series = await rig.vm.export('{__name__="node_awake"}');
  const times = series.flatMap((s) => s.timestamps);
  t.is(times.length, batch.keys.length);
  const early = times.filter((ms) => ms < fedFrom - 1000).length;
  // The pty may still be delivering a moment after the last write; a release-time stamp would be >= releasedAt.
  const late = times.filter((ms) => ms > fedTo + 3000 || ms >= releasedAt).length;
  t.log(`fed ${fedFrom}..${fedTo}, released from ${releasedAt}; stamped ${Math.min(...times)}..${Math.max(...times)}`);
  t.is(early + late, 0, 'stamped with the time each reading arrived, not the time it was released');
  t.is(await second.stop('SIGTERM'), 0);
  t.is(heldOnDisk(rig.dataDir), 0, 'the journal is gone once the spool has the readings');
});

test.serial('no clock sync source at all (container, no systemd): readings are stored at once, and one log line says why', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'clock-none');
  const config = await configure(rig);
  const gw = await start(t, config, join(rig.dir.path, 'no-timesyncd', 'synchronized'));
  const batch = numberedBatch(4, 0, 200);
  await rig.trickle(batch.text, 50, 10);
  await rig.waitStored(batch.keys, 15_000, 'readings stored without a sync source');
  const said = gw.logs.filter((l) => msgOf(l).startsWith('no clock sync source'));
  t.is(said.length, 1);
  t.is(gw.logs.filter((l) => msgOf(l).startsWith('clock not synced')).length, 0);
  t.is(await gw.stop('SIGTERM'), 0);
});
