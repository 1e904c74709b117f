import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { HistoryStore } from './history-store.ts';
import { InfluxHistoryStore } from './influx-history.ts';
import { VictoriaHistoryStore } from './victoria-history.ts';

/** Options of {@link createHistoryStore} beyond the config. */
export interface HistoryStoreOptions {
  /** Logger; the store logs each query at debug. */
  log?: Logger;
  /** Query timeout, ms. Default `influx.timeoutMs` when there is an influx section, else DEFAULT_HISTORY_TIMEOUT_MS (10000). */
  timeoutMs?: number;
}

/**
 * The history store the config names (`history.backend`, `history.url`), or
 * undefined when there is none: no influx section and no `history` section,
 * i.e. points go to line-protocol files. `GET /api/readings` then answers 503
 * `HISTORY_NOT_CONFIGURED` (see history-errors.ts). No I/O here: the first
 * query opens the first connection.
 *
 * The InfluxDB token is sent to `history.url` for `influx` (it needs
 * influx.org, .bucket and .token; load-config guarantees the section), and for
 * `victoria-metrics` only when `history.url` is on the same host and port as
 * `influx.url`, so a secret never goes to a server it was not meant for.
 */
export function createHistoryStore(config: Config, options: HistoryStoreOptions = {}): HistoryStore | undefined {
  const history = config.history;
  if (!history) return undefined;
  const log = options.log?.child({ stage: 'history', backend: history.backend });
  const timeoutMs = options.timeoutMs ?? config.influx?.timeoutMs;
  const influx = config.influx;
  if (history.backend === 'influx') {
    if (!influx) return undefined;
    return new InfluxHistoryStore({ url: history.url, org: influx.org, bucket: influx.bucket, token: influx.token, timeoutMs, log });
  }
  const sameServer = influx !== undefined && new URL(history.url).origin === new URL(influx.url).origin;
  return new VictoriaHistoryStore({ url: history.url, token: sameServer ? influx.token : undefined, timeoutMs, log });
}
