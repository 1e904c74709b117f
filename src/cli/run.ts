import { configArg } from '../cli.ts';
import { ConfigError, keysNeedingRestart, loadConfigWithWarnings, type Config, type LoadedConfig } from '../config/index.ts';
import { GatewayError } from '../errors.ts';
import { acquireDataDirLock, type DataDirLock } from '../gateway/data-dir-lock.ts';
import { describeLockState, inspectDataDirLock } from '../gateway/lock-state.ts';
import { createLogger, type Logger } from '../log.ts';
import { Gateway } from '../main.ts';

/** The service must be gone this long after SIGINT/SIGTERM, ms (systemd's stop timeout is longer). */
export const STOP_DEADLINE_MS = 5000;

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Loads the config, or prints every problem (and returns 2) or an unexpected error in one line (and returns 1). */
async function loadOrReport(file: string, command: string): Promise<LoadedConfig | number> {
  try {
    return await loadConfigWithWarnings(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      process.stderr.write(`espnow-gateway ${command}: cannot load ${file}: ${firstLine(error)}\n`);
      return 1;
    }
    process.stderr.write(`${error.problems.map((p) => `espnow-gateway ${command}: ${p}`).join('\n')}\n`);
    process.stderr.write(`espnow-gateway ${command}: ${error.problems.length} problem(s) in ${file}: refusing to start\n`);
    return 2;
  }
}

/**
 * `check-config --config FILE`: 0 when valid (warnings about secrets others
 * may read go to stderr), 2 with every problem printed otherwise. Also says,
 * without taking the lock, whether a gateway is running on `dataDir`.
 */
export async function checkConfigCommand(argv: string[]): Promise<number> {
  const file = configArg(argv, 'check-config');
  if (!file) return 2;
  const loaded = await loadOrReport(file, 'check-config');
  if (typeof loaded === 'number') return loaded;
  const { config, warnings } = loaded;
  for (const warning of warnings) process.stderr.write(`espnow-gateway check-config: warning: ${warning}\n`);
  process.stdout.write(`${file}: valid (${Object.keys(config.nodes).length} nodes, sink ${config.influx ? config.influx.url : 'line-protocol files'})\n`);
  try {
    const lock = inspectDataDirLock(config.dataDir);
    if (lock.state !== 'free') process.stdout.write(`${describeLockState(config.dataDir, lock)}\n`);
  } catch (error) {
    process.stdout.write(`${config.dataDir}: cannot read the lock: ${firstLine(error)}\n`);
  }
  return 0;
}

/**
 * `run --config FILE`: the service in the foreground. Takes the `dataDir`
 * lock first (exit 2 naming the PID when another gateway holds it).
 * SIGINT/SIGTERM stop it (flushing the sink) within {@link STOP_DEADLINE_MS};
 * SIGHUP re-reads the node names, keeping the old ones when the new config is
 * invalid and naming the changed keys that need a restart. An unexpected
 * error ends it with one line on stderr and exit 1; its stack is in the log.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const file = configArg(argv, 'run');
  if (!file) return 2;
  const loaded = await loadOrReport(file, 'run');
  if (typeof loaded === 'number') return loaded;
  const { config } = loaded;
  const log = createLogger({ level: config.log.level });
  for (const warning of loaded.warnings) log.warn({ file }, warning);
  let lock: DataDirLock;
  try {
    lock = await acquireDataDirLock(config.dataDir, { log });
  } catch (error) {
    if (!(error instanceof GatewayError) || !error.code.startsWith('DATA_DIR_')) return unexpected(log, error);
    log.error({ dataDir: config.dataDir, code: error.code }, error.message);
    process.stderr.write(`espnow-gateway run: ${file}: dataDir: ${error.message}: refusing to start\n`);
    return 2;
  }
  const onFatal = (error: unknown): void => { unexpected(log, error); process.exit(1); };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  try {
    return await serve(file, config, log);
  } catch (error) {
    return unexpected(log, error);
  } finally {
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
    lock.release();
  }
}

/** Logs the stack, prints one line; exit code 1. */
function unexpected(log: Logger, error: unknown): number {
  log.fatal({ err: error }, `unexpected error, exiting: ${firstLine(error)}`);
  process.stderr.write(`espnow-gateway run: unexpected error, exiting: ${firstLine(error)} (the stack is in the log)\n`);
  return 1;
}

/**
 * Starts the gateway, serves SIGHUP until SIGINT/SIGTERM, stops it. The stop
 * signals are caught before the start begins: one that comes while the
 * services are still starting (systemd stopping a unit it just started) stops
 * the gateway as soon as they have started, instead of killing it without
 * the sink's last flush and the lock's release. The stop deadline runs from
 * the signal.
 */
async function serve(file: string, config: Config, log: Logger): Promise<number> {
  const gateway = new Gateway({ config, log, configFile: file });
  let deadline: NodeJS.Timeout | undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const onStop = (signal: NodeJS.Signals): void => {
      deadline ??= setTimeout(() => {
        log.error({ waitingFor: gateway.stoppingService() }, 'stop took too long; exiting with unsent points left in the spool');
        process.exit(1);
      }, STOP_DEADLINE_MS);
      resolve(signal);
    };
    process.once('SIGINT', onStop);
    process.once('SIGTERM', onStop);
  });
  await gateway.start();
  const onHup = (): void => void reload(file, config, gateway, log);
  process.on('SIGHUP', onHup);
  const signal = await stopSignal;
  process.off('SIGHUP', onHup);
  log.info({ signal }, 'stopping');
  await gateway.stop();
  clearTimeout(deadline);
  return 0;
}

/** SIGHUP: applies the node names of a valid new config; names every other changed key, which needs a restart. */
async function reload(file: string, running: Config, gateway: Gateway, log: Logger): Promise<void> {
  let next: LoadedConfig;
  try {
    next = await loadConfigWithWarnings(file);
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [String(error)];
    log.error({ problems }, `reload: ${file} is invalid; keeping the running config`);
    return;
  }
  for (const warning of next.warnings) log.warn({ file }, warning);
  gateway.reload(next.config);
  const restart = keysNeedingRestart(running, next.config);
  if (restart.length > 0) {
    log.warn({ restart }, `reload: ${restart.join(', ')} need${restart.length === 1 ? 's' : ''} a restart; node names reloaded`);
  }
}
