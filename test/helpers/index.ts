/**
 * Shared harness for integration tests. Every server or process these start
 * listens on 127.0.0.1 (free port picked here) and is stopped by the test.
 *
 * - {@link startPtyPair}: a real `socat` pty pair standing in for the broker's
 *   USB serial port, with `vanish()`/`reappear()` for replug tests.
 * - {@link startVictoria}: a real VictoriaMetrics speaking the InfluxDB v2
 *   write API, with `export()`/`count()` and `kill()`/`restart()` for outages.
 * - {@link startInfluxGate}: InfluxDB 2's 401/404/400/413 answers in front of it.
 * - {@link recordingLog}: a pino logger whose lines the test can inspect.
 * - {@link makeTempDir}, {@link freePort}, {@link waitFor}, {@link sleep}.
 *
 * ```ts
 * const vm = await startVictoria();
 * try { ...; await waitFor(async () => (await vm.count('environment_temperature')) === 3); }
 * finally { await vm.stop(); }
 * ```
 */
export { freePort } from './free-port.ts';
export { startInfluxGate, type InfluxGate, type InfluxGateOptions } from './influx-gate.ts';
export { startPtyPair, type PtyPair } from './pty-pair.ts';
export { LEVEL, recordingLog, type LogEntry, type RecordingLog } from './recording-log.ts';
export { makeTempDir, type TempDir } from './temp-dir.ts';
export { startVictoria, type ExportedSeries, type Victoria } from './victoria.ts';
export { sleep, waitFor } from './wait-for.ts';
