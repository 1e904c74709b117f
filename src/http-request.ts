import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Most of an answer's body read, bytes; a longer answer fails with {@link HttpAnswerTooLargeError}. */
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** What {@link sendRequest} sends. */
export interface RequestOptions {
  /** Default `GET`. */
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** Sent as UTF-8. */
  body?: string;
  /** The whole exchange (connect, send, the whole answer), ms; then {@link HttpTimeoutError}. */
  timeoutMs: number;
  /** Aborts the request; it then rejects with Node's `AbortError` (`code` `ABORT_ERR`). */
  signal?: AbortSignal;
  /** Default {@link DEFAULT_MAX_ANSWER_BYTES}. */
  maxAnswerBytes?: number;
  /** Read the answer's body and drop it (`body` is then empty, whatever its length): only the status matters. */
  discardBody?: boolean;
}

/** An answer read whole. */
export interface HttpAnswer {
  status: number;
  /** The status line's text (`Not Found`), may be empty. */
  statusText: string;
  /** The body as UTF-8 text. */
  body: string;
}

/** No whole answer within `timeoutMs`. */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/** The answer's body was longer than `maxAnswerBytes`. */
export class HttpAnswerTooLargeError extends Error {
  override readonly name = 'HttpAnswerTooLargeError';
}

/**
 * One HTTP or HTTPS request with `node:http` / `node:https`, its answer read
 * whole. The gateway's occasional requests (history queries, webhooks) use
 * this instead of `fetch`: the first `fetch` in a process loads undici and
 * compiles its WebAssembly HTTP parser, about 18 MB of resident memory kept
 * for good, a fifth of the service's budget. Rejects with the socket's error
 * (`code` `ECONNREFUSED`, ...), {@link HttpTimeoutError},
 * {@link HttpAnswerTooLargeError}, or an `AbortError` when `signal` aborts.
 */
export function sendRequest(url: string | URL, options: RequestOptions): Promise<HttpAnswer> {
  const target = typeof url === 'string' ? new URL(url) : url;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new Error(`unsupported protocol "${target.protocol}" in ${target.href}`));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const headers = { ...options.headers, ...(body ? { 'content-length': body.length } : {}) };
  const maxBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: options.method ?? 'GET', headers, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (options.discardBody) return;
        bytes += chunk.length;
        if (bytes > maxBytes) req.destroy(new HttpAnswerTooLargeError(`answer from ${target.origin} longer than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => undefined); // the request's 'error' says why
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(`no answer from ${target.origin} within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
