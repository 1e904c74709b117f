import { EventBus } from '../../bus/event-bus.ts';
import { silentLogger } from '../../log.ts';
import { buildApp } from './build-app.ts';
import type { HttpApiDeps } from './http-api-deps.ts';
import { SseHub } from './sse-hub.ts';
import { TokenFile } from './token-file.ts';

/**
 * The OpenAPI 3.1 document the server serves at `/openapi.json`, built from
 * the route schemas with no gateway behind them (for scripts/gen-openapi.ts
 * and the drift test).
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const bus = new EventBus(silentLogger);
  const nodes = { list: () => [], get: () => undefined };
  const deps: HttpApiDeps = {
    config: { listen: '127.0.0.1:0', host: '127.0.0.1', port: 0, tokensFile: '/nonexistent/api-tokens.json', openReads: true, controlRatePerMin: 30 },
    nodes, bus, log: silentLogger, now: Date.now, health: () => ({}),
    commands: { submit: () => { throw new Error('no queue'); }, get: () => undefined, list: () => [], waitFinal: async () => undefined },
  };
  const app = await buildApp(deps, new TokenFile(deps.config.tokensFile), new SseHub({ bus, nodes, log: silentLogger }));
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}
