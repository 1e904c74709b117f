import { HttpError, RequestTimedOutError, AbortError } from '@influxdata/influxdb-client';
import { GatewayError } from '../errors.ts';

/** Where a write went, for messages that name the config keys. */
export interface InfluxTarget {
  url: string;
  org: string;
  bucket: string;
}

/** A failed write to InfluxDB. `retryable`: the same batch may succeed later (5xx, network, timeout). */
export class InfluxWriteError extends GatewayError {
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** Server's Retry-After, ms, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(code, message, options);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 401/403/404: the config is wrong (token, org, bucket). Points wait in the spool until it is fixed. */
export class InfluxConfigError extends InfluxWriteError {}

/** 400/422: the server refuses these lines; retrying them cannot help. The batch is set aside. */
export class InfluxRejectedError extends InfluxWriteError {}

/** 413: the request body is too large; the batch is split. */
export class InfluxTooLargeError extends InfluxWriteError {}

const reasonOf = (err: HttpError): string => {
  const json = err.json as { message?: unknown } | undefined;
  return typeof json?.message === 'string' ? json.message : (err.body ?? err.statusMessage ?? '').trim();
};

/** Turns whatever the client threw into one of the typed errors above. */
export function classifyWriteError(err: unknown, target: InfluxTarget): InfluxWriteError {
  const at = `InfluxDB ${target.url}`;
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const reason = reasonOf(err);
    const o = { status, cause: err };
    if (status === 401) {
      return new InfluxConfigError('INFLUX_UNAUTHORIZED', `influx.token: ${at} rejected the token (401 ${reason}); points wait in the spool`, { ...o, retryable: false });
    }
    if (status === 403) {
      return new InfluxConfigError(
        'INFLUX_FORBIDDEN',
        `influx.token: no write permission on influx.org "${target.org}" / influx.bucket "${target.bucket}" at ${at} (403 ${reason}); points wait in the spool`,
        { ...o, retryable: false },
      );
    }
    if (status === 404) {
      return new InfluxConfigError(
        'INFLUX_NOT_FOUND',
        `influx.org "${target.org}" or influx.bucket "${target.bucket}" not found at ${at} (404 ${reason}); points wait in the spool`,
        { ...o, retryable: false },
      );
    }
    if (status === 400 || status === 422) {
      return new InfluxRejectedError('INFLUX_REJECTED', `${at} rejected the batch (${status}): ${reason}`, { ...o, retryable: false });
    }
    if (status === 413) return new InfluxTooLargeError('INFLUX_TOO_LARGE', `${at}: batch too large (413 ${reason})`, { ...o, retryable: false });
    const retryAfterMs = status === 429 || status === 503 ? err.retryAfter() : undefined;
    return new InfluxWriteError('INFLUX_SERVER', `${at} answered ${status} ${reason}`, { ...o, retryable: status >= 500 || status === 429, retryAfterMs });
  }
  if (err instanceof RequestTimedOutError) return new InfluxWriteError('INFLUX_TIMEOUT', `${at}: request timed out`, { retryable: true, cause: err });
  if (err instanceof AbortError) return new InfluxWriteError('INFLUX_ABORTED', `${at}: request aborted (stopping)`, { retryable: true, cause: err });
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return new InfluxWriteError('INFLUX_UNREACHABLE', `${at} unreachable: ${code ?? message}`, { retryable: true, cause: err });
}
