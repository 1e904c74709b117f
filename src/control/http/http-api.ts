import type { AddressInfo } from 'node:net';
import type { Service } from '../../gateway/service.ts';
import { buildApp, type ApiApp } from './build-app.ts';
import type { HttpApiDeps } from './http-api-deps.ts';
import { SseHub } from './sse-hub.ts';
import { TokenFile } from './token-file.ts';

/**
 * The HTTP API and web page as a service: `start()` builds the app and
 * listens on `api.listen`, `stop()` ends the event streams and closes every
 * connection (well under a second).
 */
export class HttpApi implements Service {
  readonly name = 'api';
  private readonly deps: HttpApiDeps;
  private app: ApiApp | undefined;
  private bound: AddressInfo | undefined;

  constructor(deps: HttpApiDeps) {
    this.deps = deps;
  }

  async start(): Promise<void> {
    const { config, log } = this.deps;
    const tokens = new TokenFile(config.tokensFile);
    const hub = new SseHub({
      bus: this.deps.bus, nodes: this.deps.nodes, log: log.child({ stage: 'api' }),
      maxQueueBytes: this.deps.tuning?.sseMaxQueueBytes, heartbeatMs: this.deps.tuning?.heartbeatMs,
      nodeEventMs: this.deps.tuning?.nodeEventMs,
    });
    const app = await buildApp(this.deps, tokens, hub);
    try {
      await tokens.refresh();
    } catch (error) {
      log.error({ file: config.tokensFile, err: (error as Error).message }, 'cannot read the API tokens file; requests that need a token get 503 until it is fixed');
    }
    hub.start();
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      hub.stop();
      await app.close();
      throw error;
    }
    this.app = app;
    this.bound = app.server.address() as AddressInfo;
    log.info({ stage: 'api', listen: this.url, tokens: tokens.size, openReads: config.openReads }, `HTTP API on ${this.url}`);
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  /** The bound address once started (the real port when `api.listen` asked for port 0). */
  address(): AddressInfo | undefined {
    return this.bound;
  }

  /** `http://host:port` once started. */
  get url(): string | undefined {
    if (!this.bound) return undefined;
    const host = this.bound.family === 'IPv6' ? `[${this.bound.address}]` : this.bound.address;
    return `http://${host}:${this.bound.port}`;
  }
}

/** The API service from its deps (constructor only assigns; `start()` listens). */
export const createHttpApi = (deps: HttpApiDeps): HttpApi => new HttpApi(deps);
