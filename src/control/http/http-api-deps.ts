import type { EventBus } from '../../bus/event-bus.ts';
import type { CommandQueueApi } from '../../commands/types.ts';
import type { ApiConfig } from '../../config/types.ts';
import type { HistoryStore } from '../../history/history-store.ts';
import type { Logger } from '../../log.ts';
import type { NodeView } from '../../nodes/node-store.ts';

/** What the API reads of the nodes (NodeStore). */
export interface NodeReader {
  /** Every node heard, in order of first contact. */
  list(): NodeView[];
  /** One node by MAC in any spelling; undefined when never heard. */
  get(mac: string): NodeView | undefined;
}

/** The web page: a folder of static files, and single files from node_modules under `/vendor/`. */
export interface StaticOptions {
  /** Absolute folder served at `/` (`index.html` for `/`). */
  readonly root: string;
  /** URL path under `/vendor/` -> absolute file, e.g. `{'preact.mjs': '/opt/espnow-gateway/node_modules/preact/dist/preact.mjs'}`. */
  readonly vendor: Readonly<Record<string, string>>;
}

/** Tuning of the API; every field has a default. */
export interface HttpApiTuning {
  /** A server-sent-events client with more than this many bytes not yet taken by its socket is disconnected. Default 256 KiB. */
  readonly sseMaxQueueBytes?: number;
  /** Heartbeat comment on every event stream, ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** Shortest time between two rounds of `node` events on the event streams, ms. Default 100. */
  readonly nodeEventMs?: number;
  /** Window of the control rate limit, ms. Default 60 000 (so `api.controlRatePerMin` is per minute). */
  readonly rateWindowMs?: number;
}

/** Everything the HTTP API uses, injected (src/main.ts builds them). */
export interface HttpApiDeps {
  readonly config: ApiConfig;
  readonly nodes: NodeReader;
  readonly commands: CommandQueueApi;
  readonly bus: EventBus;
  /** The time-series store for `GET /api/readings`; absent = 503 HISTORY_NOT_CONFIGURED. */
  readonly history?: Pick<HistoryStore, 'query'>;
  /** The gateway's health for `GET /api/health` (sink status, broker heard, counters): any JSON object. */
  health(): object;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** The web page; absent = API only. */
  readonly static?: StaticOptions;
  readonly tuning?: HttpApiTuning;
  /**
   * More routes on the API's app, added after the API's own (e.g.
   * `(app) => metricsRoutes(app, { metrics })`). A route says who may call it
   * with `config: { access: 'public' | 'read' | 'control' }` (default `read`
   * under /api/, `public` elsewhere) and `schema: { hide: true }` keeps it out
   * of the OpenAPI document.
   */
  readonly routes?: ReadonlyArray<(app: import('fastify').FastifyInstance) => void | Promise<void>>;
}
