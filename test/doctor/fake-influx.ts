import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from '../helpers/free-port.ts';

/**
 * A tiny InfluxDB 2 stand-in on 127.0.0.1: /health, and /api/v2/write answering
 * as influxd does for a bad token (401), an unknown org or bucket (404) and an
 * empty batch (204). Records every request.
 */
export async function fakeInflux(t: { teardown(fn: () => unknown): void }): Promise<{ url: string; requests: { url: string; auth?: string; body: string }[] }> {
  const requests: { url: string; auth?: string; body: string }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: object): void => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(value)); };
      if (url.pathname === '/health') return json(200, { name: 'influxdb', status: 'pass', version: 'v2.7.11' });
      if (url.pathname !== '/api/v2/write' || req.method !== 'POST') return json(404, { code: 'not found', message: 'path not found' });
      if (req.headers.authorization !== 'Token good-token') return json(401, { code: 'unauthorized', message: 'unauthorized access' });
      if (url.searchParams.get('org') !== 'home') return json(404, { code: 'not found', message: `organization name "${url.searchParams.get('org')}" not found` });
      if (url.searchParams.get('bucket') !== 'sensors') return json(404, { code: 'not found', message: `bucket "${url.searchParams.get('bucket')}" not found` });
      res.writeHead(204);
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${port}`, requests };
}

