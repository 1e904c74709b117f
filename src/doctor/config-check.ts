import type { Config } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';
import { fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** Reads and validates a config file: `loadConfig` from src/config in production. */
export type LoadConfig = (file: string, env: NodeJS.ProcessEnv) => Promise<Config>;

const NAME = 'config valid';

/** Loads the config; on failure the detail lists every problem the loader found. */
export async function checkConfig(
  file: string, env: NodeJS.ProcessEnv, load: LoadConfig,
): Promise<{ result: CheckResult; config?: Config }> {
  try {
    const config = await load(file, env);
    const nodes = Object.keys(config.nodes).length;
    const sink = config.influx ? `InfluxDB ${config.influx.url}` : `line-protocol files in ${config.dataDir}/lines`;
    return { result: pass(NAME, `${file}: ${nodes} node${nodes === 1 ? '' : 's'} named, points to ${sink}`), config };
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [messageOf(err)];
    return {
      result: fail(NAME, problems.join('\n'), `edit ${file} (config/gateway.example.yaml shows every key), then run doctor again`),
    };
  }
}
