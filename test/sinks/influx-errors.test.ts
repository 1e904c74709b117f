import test from 'ava';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { FakeTimers } from './fake-timers.ts';
import { envPoints, makeInfluxSink } from './sink-fixtures.ts';

/** One round of a sink aimed at `url`; resolves with its status and the first error it logged. */
async function oneRound(url: string) {
  const tmp = await makeTempDir('influx');
  const rec = recordingLog();
  const timers = new FakeTimers();
  const sink = await makeInfluxSink(tmp.path, rec.log, { url, timers });
  try {
    sink.write(envPoints(3));
    sink.start();
    await timers.round();
    return { status: sink.status(), logged: rec.entries.find((e) => e.level >= 40) };
  } finally {
    await sink.stop();
    await tmp.remove();
  }
}

/** A plain-HTTP server on 127.0.0.1 whose handler answers every request; stopped at teardown. */
async function plainServer(t: import('ava').ExecutionContext, answer: (res: import('node:http').ServerResponse) => void): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return (server.address() as AddressInfo).port;
}

test('influx.url https:// to a plain-HTTP server: the error says the server may speak http, not https', async (t) => {
  const port = await plainServer(t, (res) => res.writeHead(204).end());
  const { status, logged } = await oneRound(`https://127.0.0.1:${port}`);
  t.false(status.reachable);
  t.regex(status.lastError ?? '', new RegExp(`^influx\\.url: InfluxDB https://127\\.0\\.0\\.1:${port}: TLS handshake failed .*the server may speak plain http, not https; try http://127\\.0\\.0\\.1:${port}`));
  t.is(logged?.code, 'INFLUX_WRONG_SCHEME');
});

test('influx.url http:// to an HTTPS port behind nginx (400 "plain HTTP request was sent to HTTPS port"): a config error with the https hint, nothing set aside', async (t) => {
  const page = '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n';
  const port = await plainServer(t, (res) => res.writeHead(400, { 'content-type': 'text/html' }).end(page));
  const { status, logged } = await oneRound(`http://127.0.0.1:${port}`);
  t.like(status, { reachable: false, backlogPoints: 3 });
  t.regex(status.lastError ?? '', /^influx\.url: InfluxDB http:\/\/127\.0\.0\.1:\d+ speaks https, not http \(400 400 The plain HTTP request was sent to HTTPS port\); try https:\/\//);
  t.is(logged?.code, 'INFLUX_WRONG_SCHEME');
});

test('influx.url http:// to a TLS-only VictoriaMetrics (it hangs up on plain HTTP): the error hints at https', async (t) => {
  const tmp = await makeTempDir('tls');
  t.teardown(() => tmp.remove());
  const key = join(tmp.path, 'key.pem');
  const cert = join(tmp.path, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const port = await freePort();
  const vm = spawn('victoria-metrics', [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${tmp.path}/data`, '-tls', `-tlsCertFile=${cert}`, `-tlsKeyFile=${key}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
  t.teardown(() => new Promise<void>((resolve) => {
    if (vm.exitCode !== null) return resolve();
    vm.once('exit', () => resolve());
    vm.kill('SIGKILL');
  }));
  await waitFor(async () => {
    try {
      const { connect } = await import('node:net');
      return await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
      });
    } catch {
      return false;
    }
  }, 10_000, 'VictoriaMetrics listening');
  const { status, logged } = await oneRound(`http://127.0.0.1:${port}`);
  t.false(status.reachable);
  t.regex(status.lastError ?? '', new RegExp(`closed the connection without an answer.*if it speaks only https, use https://127\\.0\\.0\\.1:${port}`));
  t.is(logged?.code, 'INFLUX_UNREACHABLE');
});
