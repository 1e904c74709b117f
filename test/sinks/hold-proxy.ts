import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A recording proxy that can keep write requests in flight, see {@link startHoldProxy}. */
export interface HoldProxy {
  /** Use as the sink's `url`. */
  url: string;
  /** Line counts of the write requests received, in order (decompressed bodies; held ones included). */
  requestLines: number[];
  /** While on, each write request waits, in flight for the sink, until {@link HoldProxy.release}. */
  hold(on: boolean): void;
  /** Write requests waiting now. */
  held(): number;
  /** Lets every waiting request through to the server. */
  release(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `target` (a VictoriaMetrics) that
 * counts the lines of each `/api/v2/write` and, while holding, answers none
 * until the test releases them: a request the sink has sent and is waiting
 * on. When the target is down it answers 503, as a proxy would.
 */
export async function startHoldProxy(target: string): Promise<HoldProxy> {
  const up = new URL(target);
  const requestLines: number[] = [];
  let holding = false;
  let waiting: (() => void)[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const out = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (err) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'unavailable', message: err.message }));
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!req.url?.startsWith('/api/v2/write')) return forward(req, res, body);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      requestLines.push(text.length === 0 ? 0 : text.toString().split('\n').length);
      if (holding) waiting.push(() => forward(req, res, body));
      else forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestLines,
    hold: (on) => (holding = on),
    held: () => waiting.length,
    release: () => {
      const go = waiting;
      waiting = [];
      for (const f of go) f();
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
