import type { ApiConfig, Config } from '../config/index.ts';
import { parseListen } from '../config/listen-address.ts';

/** Label of the control token the demo makes for itself (the previous one is revoked at each start). */
export const DEMO_TOKEN_LABEL = 'demo';

/**
 * The demo's API section with `--listen HOST:PORT` applied (tests pass a free
 * port; a user whose 8080 is taken picks another). Throws a message for the
 * CLI when the address does not parse.
 */
export function demoApi(config: Config, listen: string | undefined): ApiConfig | undefined {
  if (!config.api || listen === undefined) return config.api;
  const address = parseListen(listen);
  if (!address) throw new Error(`--listen ${listen}: not host:port (e.g. 127.0.0.1:8081)`);
  return { ...config.api, listen, host: address.host, port: address.port };
}

/**
 * A fresh control token for the demo's page, so a newcomer can switch the
 * strip's outlets: printed once at start; the demo's earlier tokens are
 * revoked, so the tokens file does not grow with every run.
 */
export async function demoControlToken(api: ApiConfig): Promise<string> {
  const { TokenFile } = await import('../control/http/token-file.ts');
  const tokens = new TokenFile(api.tokensFile);
  for (const old of await tokens.list()) if (old.label === DEMO_TOKEN_LABEL) await tokens.remove(old.id);
  return (await tokens.add('control', DEMO_TOKEN_LABEL)).token;
}
