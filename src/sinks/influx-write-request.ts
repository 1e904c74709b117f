import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createGunzip, gzip } from 'node:zlib';
import { AbortError, HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';

/** Request bodies at least this large are sent gzipped, bytes. */
export const GZIP_MIN_BYTES = 64 * 1024;
/** Most of an error answer's body kept for the message, characters. */
const MAX_ERROR_BODY = 16 * 1024;

/** Where and how {@link InfluxWriteRequest} posts. */
export interface InfluxWriteTarget {
  /** InfluxDB base URL, http or https, optionally with a path prefix (a reverse proxy's). */
  url: string;
  /** API token; sent as `Authorization: Token ...` when set. */
  token?: string;
  /** Longest silence of the connection (connecting, sending, waiting for the answer), ms; then `RequestTimedOutError`. */
  timeoutMs: number;
  /** `org`, `bucket`, `precision` of the write endpoint's query. */
  query: Record<string, string>;
}

/**
 * POSTs one line-protocol body (a Buffer, as the spool hands it out) to
 * InfluxDB's v2 write endpoint over one keep-alive connection: one socket
 * write of the headers and the body, no string copy of the batch, gzip only
 * from {@link GZIP_MIN_BYTES}. Failures reject with the errors
 * `@influxdata/influxdb-client`'s own transport throws (`HttpError` with the
 * server's status, body and `Retry-After`; `RequestTimedOutError`;
 * `AbortError`; socket errors as they come), so influx-errors.ts classifies
 * them the same way. The client's transport takes the body as a string,
 * which would cost a copy and a UTF-8 encoding of every batch. A request on
 * the kept-alive socket that is reset before any answer (the server went
 * away, or closed idle connections, while the socket sat idle) is sent once
 * more on a new connection: its error would describe a connection that no
 * longer exists, and an outage would begin with a misleading "closed the
 * connection without an answer" before the real "connection refused".
 */
export class InfluxWriteRequest {
  private readonly send: typeof httpRequest;
  private readonly agent: HttpAgent;
  private readonly base: URL;
  private readonly path: string;
  private readonly headers: OutgoingHttpHeaders;

  constructor(private readonly target: InfluxWriteTarget) {
    this.base = new URL(target.url);
    const https = this.base.protocol === 'https:';
    if (!https && this.base.protocol !== 'http:') throw new Error(`influx.url: unsupported protocol "${this.base.protocol}" in ${target.url}`);
    this.send = https ? httpsRequest : httpRequest;
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const prefix = this.base.pathname.replace(/\/+$/, '');
    this.path = `${prefix}/api/v2/write?${new URLSearchParams(target.query).toString()}`;
    this.headers = { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'espnow-gateway', ...(target.token ? { authorization: `Token ${target.token}` } : {}) };
  }

  /** Resolves on a 2xx; rejects as the class comment says. `signal` aborts the request (stopping). */
  async post(body: Buffer, signal: AbortSignal): Promise<void> {
    const gzipped = body.length >= GZIP_MIN_BYTES ? await gzipOf(body) : undefined;
    const payload = gzipped ?? body;
    const headers = { ...this.headers, 'content-length': payload.length, ...(gzipped ? { 'content-encoding': 'gzip' } : {}) };
    if (signal.aborted) throw new AbortError();
    try {
      await this.once(payload, headers, signal);
    } catch (err) {
      // A kept-alive socket the server closed while idle (it restarted, or dropped idle connections) fails the next
      // request before any answer; that says nothing about the server now, so the request goes once more on a new one.
      if (!(err as { staleSocket?: boolean }).staleSocket) throw err;
      await this.once(payload, headers, signal);
    }
  }

  /** One request; rejects with `staleSocket: true` set when a reused socket was reset before any answer. */
  private once(payload: Buffer, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const req = this.send({
        protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, path: this.path,
        method: 'POST', headers, agent: this.agent, timeout: this.target.timeoutMs,
      }, (res) => {
        const status = res.statusCode ?? 600;
        res.on('error', settle);
        res.on('aborted', () => settle(new AbortError()));
        if (status < 300) {
          res.on('end', () => settle());
          res.resume();
          return;
        }
        errorOf(res, status).then(settle, settle);
      });
      const onAbort = (): void => {
        req.destroy();
        settle(new AbortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('timeout', () => {
        req.destroy();
        settle(new RequestTimedOutError());
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up/i.test(err.message));
        settle(stale ? Object.assign(err, { staleSocket: true }) : err);
      });
      req.end(payload);
    });
  }

  /** Closes the idle keep-alive socket. */
  close(): void {
    this.agent.destroy();
  }
}

/**
 * gzip at level 1: line protocol still shrinks about 15x (17x at zlib's
 * default level 6) for well under half the CPU (5,000 lines, 658 KB:
 * ~1.1 against ~2.6 ms on the bench machine).
 */
const gzipOf = (body: Buffer): Promise<Buffer> => new Promise((resolve, reject) => gzip(body, { level: 1 }, (err, out) => (err ? reject(err) : resolve(out))));

/** The client's `HttpError` for an answer of `status` ≥ 300: its body (gunzipped, at most {@link MAX_ERROR_BODY}) or `X-Influxdb-Error`, `Retry-After`, content type. */
function errorOf(res: IncomingMessage, status: number): Promise<HttpError> {
  return new Promise((resolve) => {
    const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
    let body = '';
    const done = (): void => {
      if (body === '' && res.headers['x-influxdb-error']) body = String(res.headers['x-influxdb-error']);
      resolve(new HttpError(status, res.statusMessage, body, res.headers['retry-after'], res.headers['content-type'], undefined, res.headers));
    };
    stream.on('data', (chunk: Buffer) => {
      if (body.length < MAX_ERROR_BODY) body += chunk.toString('utf8').slice(0, MAX_ERROR_BODY - body.length);
    });
    stream.on('end', done);
    stream.on('error', done);
  });
}
