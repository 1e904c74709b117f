import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { HistoryStoreError, HistoryUnavailableError } from './history-errors.ts';

/** Where a history query went, for messages that name the config keys. */
export interface InfluxQueryTarget {
  url: string;
  org: string;
  bucket: string;
  /** Socket timeout, ms, for the timeout message. */
  timeoutMs: number;
}

/** InfluxDB's JSON `message`, a proxy page's `<title>`, or the body. */
function reasonOf(err: HttpError): string {
  const json = err.json as { message?: unknown } | undefined;
  if (typeof json?.message === 'string') return json.message;
  const body = (err.body ?? err.statusMessage ?? '').trim();
  return /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() ?? body;
}

/**
 * Turns what the InfluxDB client threw for a query into
 * {@link HistoryUnavailableError} (network, timeout, 429, 5xx: ask again
 * later) or {@link HistoryStoreError} (401/403/404 name `influx.token`,
 * `influx.org`, `influx.bucket`; 400/422 the query).
 */
export function classifyQueryError(err: unknown, target: InfluxQueryTarget): HistoryUnavailableError | HistoryStoreError {
  const at = `InfluxDB ${target.url}`;
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const reason = reasonOf(err);
    const o = { status, cause: err };
    if (status === 401) return new HistoryStoreError(`influx.token: ${at} rejected the token (401 ${reason})`, o);
    if (status === 403) {
      return new HistoryStoreError(`influx.token: no read permission on influx.bucket "${target.bucket}" of influx.org "${target.org}" at ${at} (403 ${reason})`, o);
    }
    if (status === 404) return new HistoryStoreError(`influx.org "${target.org}" or influx.bucket "${target.bucket}" not found at ${at} (404 ${reason})`, o);
    if (status === 429 || status >= 500) return new HistoryUnavailableError(`${at} answered ${status} ${reason}; try again later`, err);
    return new HistoryStoreError(`${at} refused the history query (${status} ${reason})`, o);
  }
  if (err instanceof RequestTimedOutError) return new HistoryUnavailableError(`${at}: history query timed out (no answer for ${target.timeoutMs} ms)`, err);
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return new HistoryUnavailableError(`${at} unreachable: ${code ?? message}`, err);
}
