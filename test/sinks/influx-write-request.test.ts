import test from 'ava';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InfluxWriteRequest } from '../../src/sinks/influx-write-request.ts';

/**
 * A raw HTTP server: each connection answers its requests with 204 and keeps
 * the socket, except that `dropAt(connection, request)` says when to reset
 * the socket instead of answering (as a server that went away while the
 * client's kept-alive socket sat idle).
 */
async function server(dropAt: (connection: number, request: number) => boolean) {
  let connections = 0;
  const sockets: Socket[] = [];
  const srv = createServer((socket) => {
    const connection = ++connections;
    sockets.push(socket);
    let requests = 0;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      // Requests are small and whole here: one per `\r\n\r\n` header end plus its Content-Length body.
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        requests += 1;
        if (dropAt(connection, requests)) {
          socket.resetAndDestroy();
          return;
        }
        socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); srv.close(() => resolve()); }),
  };
}

const body = Buffer.from('m v=1i 1');
const request = (url: string) => new InfluxWriteRequest({ url, token: 't', query: { org: 'o', bucket: 'b', precision: 'us' }, timeoutMs: 5000 });

test('write request: a kept-alive socket the server reset goes once more on a new connection, and succeeds', async (t) => {
  const srv = await server((connection, n) => connection === 1 && n === 2);
  t.teardown(srv.stop);
  const req = request(srv.url);
  t.teardown(() => req.close());
  const signal = new AbortController().signal;
  await req.post(body, signal);
  await req.post(body, signal); // the first socket is reused and reset: sent again on a second connection
  t.is(srv.connections(), 2);
  await req.post(body, signal);
  t.is(srv.connections(), 2, 'the new socket is kept alive in turn');
});

test('write request: a reset on a new connection is an error at once (only a reused socket is tried again, once)', async (t) => {
  const srv = await server((connection, n) => (connection === 1 && n === 2) || connection === 2);
  t.teardown(srv.stop);
  const req = request(srv.url);
  t.teardown(() => req.close());
  const signal = new AbortController().signal;
  await req.post(body, signal);
  const err = await t.throwsAsync(req.post(body, signal));
  t.is((err as NodeJS.ErrnoException).code, 'ECONNRESET');
  t.is(srv.connections(), 2);
});
