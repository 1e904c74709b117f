import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** Options of {@link startInfluxGate}. */
export interface InfluxGateOptions {
  /** Where accepted writes go, e.g. a {@link Victoria} url. */
  target: string;
  /** Token accepted in `Authorization: Token <token>`. */
  token: string;
  org: string;
  bucket: string;
}

/** A running gate, see {@link startInfluxGate}. */
export interface InfluxGate {
  /** Use as `influx.url`. */
  url: string;
  /** Changes the accepted token (an admin fixing the token on the server). */
  setToken(token: string): void;
  /**
   * Lines for which this returns a reason make the whole request fail with
   * 400, as InfluxDB does (e.g. a field type conflict); undefined = accept.
   */
  rejectWhen(check: ((line: string) => string | undefined) | undefined): void;
  /** Requests with a (decompressed) body larger than this many bytes get 413; default unlimited. */
  maxBodyBytes(bytes: number | undefined): void;
  /**
   * While on, every write gets 413 with nginx's HTML page, whatever its size:
   * a reverse proxy with a tiny `client_max_body_size` (or a broken server).
   */
  alwaysTooLarge(on: boolean): void;
  /** Line counts of the write requests seen, in order (decompressed bodies). */
  requestLines: number[];
  /** HTTP status of every request seen, in order. */
  statuses: number[];
  stop(): Promise<void>;
}

/** nginx's own 413 page (ngx_http_special_response.c). */
const NGINX_413 =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const json = (res: ServerResponse, status: number, code: string, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ code, message }));
};

/**
 * A tiny HTTP server on 127.0.0.1 in front of VictoriaMetrics that answers
 * `/api/v2/write` the way InfluxDB 2 does where VictoriaMetrics is lenient:
 * 401 `unauthorized access` for a wrong token, 404 `organization name "x" not
 * found` / `bucket "x" not found`, 400 `unable to parse ...` for a line the
 * test marks as bad, 413 for a body over a limit (or, like a proxy with a tiny
 * body limit, for every request); everything else is passed
 * through unchanged to the real server. The status codes and JSON bodies are
 * those of InfluxDB 2.7's write handler, so the gateway's error handling is
 * exercised against what it meets in the field.
 */
export async function startInfluxGate(options: InfluxGateOptions): Promise<InfluxGate> {
  let token = options.token;
  let reject: ((line: string) => string | undefined) | undefined;
  let maxBody: number | undefined;
  let tooLarge = false;
  const statuses: number[] = [];
  const requestLines: number[] = [];
  const target = new URL(options.target);

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://gate');
    const fail = (status: number, code: string, message: string) => {
      statuses.push(status);
      json(res, status, code, message);
    };
    if (url.pathname === '/api/v2/write') {
      if (req.headers.authorization !== `Token ${token}`) return fail(401, 'unauthorized', 'unauthorized access');
      if (url.searchParams.get('org') !== options.org) return fail(404, 'not found', `organization name "${url.searchParams.get('org')}" not found`);
      if (url.searchParams.get('bucket') !== options.bucket) return fail(404, 'not found', `bucket "${url.searchParams.get('bucket')}" not found`);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      requestLines.push(text.length === 0 ? 0 : text.toString().split('\n').length);
      if (tooLarge) {
        statuses.push(413);
        res.writeHead(413, { 'content-type': 'text/html' });
        return void res.end(NGINX_413);
      }
      if (maxBody !== undefined && text.length > maxBody) return fail(413, 'request too large', 'unable to read data: points batch is too large');
      if (reject) {
        for (const line of text.toString().split('\n')) {
          const reason = line ? reject(line) : undefined;
          if (reason) return fail(400, 'invalid', `unable to parse '${line}': ${reason}`);
        }
      }
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        statuses.push(up.statusCode ?? 0);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => fail(503, 'unavailable', err.message));
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setToken: (t) => (token = t),
    rejectWhen: (check) => (reject = check),
    maxBodyBytes: (bytes) => (maxBody = bytes),
    alwaysTooLarge: (on) => (tooLarge = on),
    statuses,
    requestLines,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
