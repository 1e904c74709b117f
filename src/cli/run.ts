import { configArg } from '../cli.ts';
import { ConfigError, loadConfig, type Config } from '../config/index.ts';
import { createLogger } from '../log.ts';
import { Gateway } from '../main.ts';

/** The service must be gone this long after SIGINT/SIGTERM, ms (systemd's stop timeout is longer). */
export const STOP_DEADLINE_MS = 5000;

/** Loads the config, or prints every problem and returns undefined. */
async function loadOrReport(file: string, command: string): Promise<Config | undefined> {
  try {
    return await loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.problems.map((p) => `espnow-gateway ${command}: ${p}`).join('\n')}\n`);
    process.stderr.write(`espnow-gateway ${command}: ${error.problems.length} problem(s) in ${file}: refusing to start\n`);
    return undefined;
  }
}

/** `check-config --config FILE`: 0 when valid, 2 with every problem printed otherwise. */
export async function checkConfigCommand(argv: string[]): Promise<number> {
  const file = configArg(argv, 'check-config');
  if (!file) return 2;
  const config = await loadOrReport(file, 'check-config');
  if (!config) return 2;
  process.stdout.write(`${file}: valid (${Object.keys(config.nodes).length} nodes, sink ${config.influx ? config.influx.url : 'line-protocol files'})\n`);
  return 0;
}

/**
 * `run --config FILE`: the service in the foreground. SIGINT/SIGTERM stop it
 * (flushing the sink) within {@link STOP_DEADLINE_MS}; SIGHUP re-reads the
 * node names, keeping the old ones when the new config is invalid.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const file = configArg(argv, 'run');
  if (!file) return 2;
  const config = await loadOrReport(file, 'run');
  if (!config) return 2;
  const log = createLogger({ level: config.log.level });
  const gateway = new Gateway({ config, log });
  await gateway.start();

  const onHup = (): void => {
    loadConfig(file).then(
      (next) => gateway.reload(next),
      (error: unknown) => {
        const problems = error instanceof ConfigError ? error.problems : [String(error)];
        log.error({ problems }, `reload: ${file} is invalid; keeping the running config`);
      },
    );
  };
  process.on('SIGHUP', onHup);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.off('SIGHUP', onHup);
  log.info({ signal }, 'stopping');
  const deadline = setTimeout(() => {
    log.error('stop took too long; exiting with unsent points left in the spool');
    process.exit(1);
  }, STOP_DEADLINE_MS);
  await gateway.stop();
  clearTimeout(deadline);
  return 0;
}
