import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { keyOfLine } from '../test/helpers/numbered-frames.ts';

/** A recording proxy in front of the time-series server, see {@link startAckProxy}. */
export interface AckProxy {
  /** Use as `influx.url`. */
  url: string;
  /** Lines acknowledged (2xx passed back to the gateway) so far. */
  lines(): number;
  /** Uncompressed line-protocol bytes acknowledged so far. */
  bytes(): number;
  /** When set, `<node>/<awake>` of each acknowledged `node` line -> performance.now() of the ack. */
  acks: Map<string, number> | undefined;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards every request to `target` and, as
 * the 2xx answer goes back to the gateway, counts the lines of that write
 * (and optionally notes when each numbered frame was acknowledged). This is
 * the gateway's own definition of "acknowledged": the moment the sink sees
 * the 2xx and moves the spool cursor.
 */
export async function startAckProxy(target: string): Promise<AckProxy> {
  const up = new URL(target);
  let lines = 0;
  let bytes = 0;
  const proxy: AckProxy = { url: '', lines: () => lines, bytes: () => bytes, acks: undefined, stop: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        answer.resume();
        answer.on('end', () => {
          const ok = (answer.statusCode ?? 0) >= 200 && (answer.statusCode ?? 0) < 300;
          if (ok && req.url?.startsWith('/api/v2/write')) {
            const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
            bytes += text.length;
            let n = 1;
            for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) n += 1;
            lines += n;
            if (proxy.acks) {
              const now = performance.now();
              for (const line of text.toString('utf8').split('\n')) {
                const key = keyOfLine(line);
                if (key && !proxy.acks.has(key)) proxy.acks.set(key, now);
              }
            }
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end();
        });
      });
      forward.on('error', (err) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'unavailable', message: err.message }));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return proxy;
}
