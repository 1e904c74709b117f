import { GatewayError } from '../errors.ts';

/** The query parameters a {@link HistoryQueryError} can name (as `GET /api/readings` spells them). */
export type HistoryParam = 'measurement' | 'field' | 'room' | 'node' | 'channel' | 'from' | 'to' | 'step';

/**
 * A history request that cannot be answered as asked (HTTP 400). `param`
 * names the parameter; the message starts with it: `step: 10 s gives 8640
 * points per series ...`. Codes: `HISTORY_BAD_QUERY`, and
 * `HISTORY_TOO_MANY_SERIES` when more series matched than one answer may hold.
 */
export class HistoryQueryError extends GatewayError {
  /** The parameter to fix. */
  readonly param: HistoryParam;

  constructor(param: HistoryParam, message: string, code = 'HISTORY_BAD_QUERY') {
    super(code, `${param}: ${message}`, { retryable: false });
    this.param = param;
  }
}

/**
 * The store could not be asked or did not answer in time: network error,
 * timeout, 5xx, 429 (HTTP 503; retryable). Code `HISTORY_UNAVAILABLE`; the
 * message names the store's URL.
 */
export class HistoryUnavailableError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('HISTORY_UNAVAILABLE', message, { retryable: true, cause });
  }
}

/**
 * The store answered but refused (HTTP 502): a wrong token, org or bucket
 * (the message names the config key), or a query it could not run. Not
 * retryable until the config or the store changes. Code `HISTORY_STORE_REFUSED`.
 */
export class HistoryStoreError extends GatewayError {
  /** The store's HTTP status. */
  readonly status?: number;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('HISTORY_STORE_REFUSED', message, { retryable: false, cause: options.cause });
    this.status = options.status;
  }
}

/**
 * What to answer when {@link createHistoryStore} returned undefined (the
 * gateway writes line-protocol files, there is no store to ask): HTTP 503
 * with code `HISTORY_NOT_CONFIGURED`, this message.
 */
export const HISTORY_NOT_CONFIGURED_MESSAGE =
  'history: no time-series store is configured (points go to line-protocol files under dataDir/lines); ' +
  'add an influx section, or history: { backend: victoria-metrics, url: ... }';

/** A {@link GatewayError} for {@link HISTORY_NOT_CONFIGURED_MESSAGE} (code `HISTORY_NOT_CONFIGURED`, not retryable). */
export function historyNotConfigured(): GatewayError {
  return new GatewayError('HISTORY_NOT_CONFIGURED', HISTORY_NOT_CONFIGURED_MESSAGE);
}
