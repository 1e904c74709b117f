import type { Config, LoadedConfig } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';
import { fail, messageOf, pass, warn, type CheckResult } from './check-result.ts';

/** Reads and validates a config file: `loadConfigWithWarnings` from src/config in production (a plain `loadConfig` is accepted too). */
export type LoadConfig = (file: string, env: NodeJS.ProcessEnv) => Promise<Config | LoadedConfig>;

const NAME = 'config valid';

/**
 * Loads the config; on failure the detail lists every problem the loader
 * found. The loader's warnings (secrets others may read) come back as
 * `warnings`, one passed-with-a-warning result, absent when there are none.
 */
export async function checkConfig(
  file: string, env: NodeJS.ProcessEnv, load: LoadConfig,
): Promise<{ result: CheckResult; config?: Config; warnings?: CheckResult }> {
  try {
    const loaded = await load(file, env);
    const { config, warnings } = 'config' in loaded ? loaded : { config: loaded, warnings: [] };
    const nodes = Object.keys(config.nodes).length;
    const sink = config.influx ? `InfluxDB ${config.influx.url}` : `line-protocol files in ${config.dataDir}/lines`;
    const result = pass(NAME, `${file}: ${nodes} node${nodes === 1 ? '' : 's'} named, points to ${sink}`);
    if (warnings.length === 0) return { result, config };
    const fixes = warnings.map((w) => /run: (.*)$/.exec(w)?.[1]).filter((f): f is string => f !== undefined);
    return { result, config, warnings: warn('InfluxDB token readable only by the service', warnings.join('\n'), fixes.join('\n')) };
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [messageOf(err)];
    return {
      result: fail(NAME, problems.join('\n'), `edit ${file} (config/gateway.example.yaml shows every key), then run doctor again`),
    };
  }
}
