import test from 'ava';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { connectMqtt } from '../../../src/control/mqtt/connect-client.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');

/** A TLS server with the self-signed `localhost` certificate; counts connections and records the SNI names clients sent. */
async function tlsServer(): Promise<{ port: number; names: string[]; connections: () => number; close(): Promise<void> }> {
  const names: string[] = [];
  let connections = 0;
  const server = createTlsServer({
    cert: fixture('localhost-cert.pem'), key: fixture('localhost-key.pem'),
    SNICallback: (name, done) => { names.push(name); done(null); },
  }, (socket) => socket.destroy());
  server.on('connection', () => { connections += 1; });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, names, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The first error the client emits (mqtt.js emits a stream's error with a code). */
const firstError = (client: ReturnType<typeof connectMqtt>): Promise<NodeJS.ErrnoException> =>
  new Promise((resolve) => client.once('error', (err) => resolve(err as NodeJS.ErrnoException)));

test('mqtt connect: mqtts:// checks the broker certificate: a self-signed one is refused, the host name went out as SNI', async (t) => {
  const server = await tlsServer();
  t.teardown(() => server.close());
  const client = connectMqtt(`mqtts://localhost:${server.port}`, { reconnectPeriod: 0 });
  t.teardown(() => void client.end(true));
  const err = await firstError(client);
  t.is(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  t.false(client.connected);
  t.deepEqual(server.names, ['localhost']);
});

test('mqtt connect: mqtts:// to an IP address sends no SNI name (TLS forbids one) and still checks the certificate', async (t) => {
  const server = await tlsServer();
  t.teardown(() => server.close());
  const client = connectMqtt(`mqtts://127.0.0.1:${server.port}`, { reconnectPeriod: 0 });
  t.teardown(() => void client.end(true));
  const err = await firstError(client);
  t.is(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  t.is(server.connections(), 1);
  t.deepEqual(server.names, []);
});

test('mqtt connect: user and password in the URL are used (decoded) when the options give none; the options win', (t) => {
  const fromUrl = connectMqtt('mqtt://gw%40home:p%3Ass@127.0.0.1:1', { reconnectPeriod: 0, manualConnect: true });
  t.like(fromUrl.options, { username: 'gw@home', password: 'p:ss', host: '127.0.0.1', port: 1, protocol: 'mqtt' });
  const given = connectMqtt('mqtt://url-user:url-pass@127.0.0.1:1', { reconnectPeriod: 0, manualConnect: true, username: 'config-user', password: 'config-pass' });
  t.like(given.options, { username: 'config-user', password: 'config-pass' });
});

test('mqtt connect: the default ports are 1883 and 8883', (t) => {
  t.is(connectMqtt('mqtt://broker.lan', { manualConnect: true }).options.port, 1883);
  t.is(connectMqtt('mqtts://broker.lan', { manualConnect: true }).options.port, 8883);
  t.is(connectMqtt('mqtt://[::1]:1884', { manualConnect: true }).options.host, '::1');
});

test('mqtt connect: another scheme is refused, naming the URL', (t) => {
  t.throws(() => connectMqtt('ws://broker.lan', {}), { message: 'not an mqtt:// or mqtts:// URL: ws://broker.lan' });
});

test('mqtt connect: the client loads none of mqtt.js\'s other transports (WebSocket, SOCKS)', async (t) => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  connectMqtt('mqtt://127.0.0.1:1', { manualConnect: true });
  const loaded = Object.keys(require.cache);
  t.false(loaded.some((f) => /node_modules\/(ws|socks|ip-address)\//.test(f)), loaded.filter((f) => /node_modules\/(ws|socks)/.test(f)).join('\n'));
  t.true(loaded.some((f) => f.endsWith('mqtt/build/lib/client.js')));
});
