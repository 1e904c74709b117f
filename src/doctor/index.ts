/** `espnow-gateway doctor`: each check a function with injected deps, printed as a checklist with fixes. */
export { fail, pass, skip, warn, type CheckResult } from './check-result.ts';
export { checkBrokerLine, DEFAULT_BROKER_WINDOW_MS, type BrokerCheckOptions } from './broker-check.ts';
export { checkClock } from './clock-check.ts';
export { checkConfig, type LoadConfig } from './config-check.ts';
export { checkDisk, DISK_HEADROOM_BYTES, type StatFs } from './disk-check.ts';
export { checkDataDirLock, type InspectLock } from './lock-check.ts';
export { checkInfluxReachable, checkInfluxWrite, type Fetch } from './influx-check.ts';
export { checkSerialDevice, type SerialFs } from './serial-check.ts';
export { checkSpi, DEFAULT_SPI_PATHS, type SpiPaths } from './spi-check.ts';
export { exitCode, formatReport } from './report.ts';
export { runDoctor, type DoctorDeps } from './run-doctor.ts';
export { systemDoctorDeps } from './system-deps.ts';
