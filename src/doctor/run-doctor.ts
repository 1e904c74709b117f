import type { SyncAnswer } from '../clock/index.ts';
import type { OpenPort } from '../serial/open-port.ts';
import { checkBrokerLine } from './broker-check.ts';
import { skip, type CheckResult } from './check-result.ts';
import { checkClock } from './clock-check.ts';
import { checkConfig, type LoadConfig } from './config-check.ts';
import { checkDisk, type StatFs } from './disk-check.ts';
import { checkInfluxReachable, checkInfluxWrite, type Fetch } from './influx-check.ts';
import { checkDataDirLock, type InspectLock } from './lock-check.ts';
import { checkSerialDevice, type SerialFs } from './serial-check.ts';
import { checkSpi, DEFAULT_SPI_PATHS, type SpiPaths } from './spi-check.ts';

/** Everything `doctor` touches, injected; {@link systemDoctorDeps} gives the real ones. */
export interface DoctorDeps {
  loadConfig: LoadConfig;
  /** Environment for the config (`INFLUX_TOKEN`). */
  env: NodeJS.ProcessEnv;
  fs: SerialFs;
  openPort: OpenPort;
  fetch: Fetch;
  exists(path: string): Promise<boolean>;
  statfs(path: string): Promise<StatFs>;
  /** The clock's sync state (probeSyncOnce); a boolean means synced or waiting. */
  clockSynced(): Promise<boolean | SyncAnswer>;
  /** Wall clock, ms. */
  now(): number;
  /** Default {@link DEFAULT_SPI_PATHS}. */
  spiPaths?: SpiPaths;
  /** How long to listen for the broker, ms. Default 15000. */
  brokerWindowMs?: number;
  /** Reads `dataDir`'s lock without taking it. */
  inspectLock: InspectLock;
}

/** Runs every check in order; checks whose prerequisite failed are skipped, never left out. */
export async function runDoctor(configFile: string, deps: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const { result, config, warnings } = await checkConfig(configFile, deps.env, deps.loadConfig);
  results.push(result);
  if (warnings) results.push(warnings);
  if (!config) {
    for (const name of ['gateway process on dataDir', 'serial device', 'broker BOOT or HB line', 'InfluxDB', 'SPI for the e-ink panel', 'clock synced (NTP)', 'free disk for the spool']) {
      results.push(skip(name, 'needs a valid config'));
    }
    return results;
  }
  results.push(checkDataDirLock(config.dataDir, deps.inspectLock));
  const serial = await checkSerialDevice(config.serial.path, deps.fs);
  results.push(serial);
  results.push(serial.ok
    ? await checkBrokerLine({ path: config.serial.path, baudRate: config.serial.baudRate, openPort: deps.openPort, windowMs: deps.brokerWindowMs })
    : skip('broker BOOT or HB line within 15 s', 'needs the serial device'));
  if (config.influx) {
    const reach = await checkInfluxReachable(config.influx, deps.fetch);
    results.push(reach);
    results.push(reach.ok ? await checkInfluxWrite(config.influx, deps.fetch) : skip('InfluxDB token valid, org and bucket exist', 'needs a reachable InfluxDB'));
  } else {
    results.push(skip('InfluxDB', `no influx section: points go to line-protocol files in ${config.dataDir}/lines`));
  }
  results.push(await checkSpi(config.display, deps.spiPaths ?? DEFAULT_SPI_PATHS, deps.exists));
  results.push(await checkClock(config.clock.requireSync, deps.clockSynced, deps.now));
  results.push(await checkDisk(config.dataDir, config.spool.maxBytes, deps.statfs));
  return results;
}
