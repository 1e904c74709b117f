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

/** 413: the request body is too large; the batch is split (down to a floor, see {@link tooLargeAtFloor}). */
export class InfluxTooLargeError extends InfluxWriteError {}

/** TLS errors that mean the other end did not answer in TLS (OpenSSL's "wrong version number"). */
const NOT_TLS = /wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i;
/** What a TLS-only server answers to a plain HTTP request: Go's net/http (InfluxDB), nginx. */
const PLAIN_TO_TLS = /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i;

/** `url` with its scheme swapped between http and https, for hints. */
const otherScheme = (url: string): string => (url.startsWith('https:') ? `http:${url.slice(6)}` : `https:${url.slice(5)}`);

/**
 * A 413 for a batch at or below the sink's split floor: no InfluxDB refuses so
 * small a body (its own limit is tens of MB), so a proxy in front of it limits
 * the body size. Retryable: the points wait in the spool, the sink backs off.
 */
export function tooLargeAtFloor(err: InfluxTooLargeError, target: InfluxTarget, floor: { lines: number; bytes: number }): InfluxWriteError {
  return new InfluxWriteError(
    'INFLUX_TOO_LARGE_SMALL_BATCH',
    `InfluxDB ${target.url} answered 413 (request too large) even to a batch of at most ${floor.lines} lines or ${Math.round(floor.bytes / 1024)} KiB; ` +
      `a reverse proxy in front of InfluxDB probably limits the request body (nginx client_max_body_size, Traefik maxRequestBodyBytes): raise it to a few MB; points wait in the spool`,
    { status: 413, retryable: true, cause: err },
  );
}

/** The server's reason: InfluxDB's JSON `message`, an HTML page's `<title>` (a proxy's error page), or the body. */
const reasonOf = (err: HttpError): string => {
  const json = err.json as { message?: unknown } | undefined;
  if (typeof json?.message === 'string') return json.message;
  const body = (err.body ?? err.statusMessage ?? '').trim();
  return /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() ?? body;
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
    if (status === 400 && PLAIN_TO_TLS.test(`${reason} ${err.body ?? ''}`) && target.url.startsWith('http:')) {
      return new InfluxConfigError(
        'INFLUX_WRONG_SCHEME',
        `influx.url: ${at} speaks https, not http (400 ${reason}); try ${otherScheme(target.url)}; points wait in the spool`,
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
  if (target.url.startsWith('https:') && NOT_TLS.test(`${code ?? ''} ${message}`)) {
    return new InfluxConfigError(
      'INFLUX_WRONG_SCHEME',
      `influx.url: ${at}: TLS handshake failed (${code ?? message}): the server may speak plain http, not https; try ${otherScheme(target.url)}; points wait in the spool`,
      { retryable: false, cause: err },
    );
  }
  if (target.url.startsWith('http:') && (code === 'ECONNRESET' || /socket hang up/i.test(message))) {
    return new InfluxWriteError(
      'INFLUX_UNREACHABLE',
      `${at} unreachable: ${code ?? message}: the server closed the connection without an answer (if it speaks only https, use ${otherScheme(target.url)})`,
      { retryable: true, cause: err },
    );
  }
  return new InfluxWriteError('INFLUX_UNREACHABLE', `${at} unreachable: ${code ?? message}`, { retryable: true, cause: err });
}
