import test from 'ava';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpAnswerTooLargeError, HttpTimeoutError, sendRequest } from '../../src/http-request.ts';
import { freePort } from '../helpers/free-port.ts';

// sendRequest against real servers on 127.0.0.1.

async function serve(t: import('ava').ExecutionContext, handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('sendRequest: GET with headers; the status, its text and the body as UTF-8', async (t) => {
  const url = await serve(t, (req, res) => { res.writeHead(404, 'Nope', { 'content-type': 'text/plain' }); res.end(`no ${req.url} for ${req.headers.authorization} °C`); });
  const answer = await sendRequest(`${url}/x?y=1`, { headers: { authorization: 'Token t' }, timeoutMs: 2000 });
  t.deepEqual(answer, { status: 404, statusText: 'Nope', body: 'no /x?y=1 for Token t °C' });
});

test('sendRequest: POST sends the body with its length', async (t) => {
  const url = await serve(t, (req, res, body) => res.end(JSON.stringify({ method: req.method, length: req.headers['content-length'], type: req.headers['content-type'], body })));
  const answer = await sendRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"t":"21 °C"}', timeoutMs: 2000 });
  t.deepEqual(JSON.parse(answer.body), { method: 'POST', length: '14', type: 'application/json', body: '{"t":"21 °C"}' });
});

test('sendRequest: a server that never answers, or stops in the middle of the body, times out', async (t) => {
  const silent = await serve(t, () => undefined);
  const started = Date.now();
  const error = await t.throwsAsync(sendRequest(silent, { timeoutMs: 200 }), { instanceOf: HttpTimeoutError });
  t.regex(error!.message, /^no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms$/);
  t.true(Date.now() - started < 1500);
  const stalled = await serve(t, (_req, res) => { res.writeHead(200); res.write('part of it'); });
  await t.throwsAsync(sendRequest(stalled, { timeoutMs: 200 }), { instanceOf: HttpTimeoutError });
});

test('sendRequest: an answer longer than the bound fails; discardBody reads any length and keeps nothing', async (t) => {
  const url = await serve(t, (_req, res) => res.end('x'.repeat(100_000)));
  await t.throwsAsync(sendRequest(url, { timeoutMs: 2000, maxAnswerBytes: 10_000 }), { instanceOf: HttpAnswerTooLargeError, message: /longer than 10000 bytes/ });
  t.deepEqual(await sendRequest(url, { timeoutMs: 2000, maxAnswerBytes: 10_000, discardBody: true }), { status: 200, statusText: 'OK', body: '' });
  t.is((await sendRequest(url, { timeoutMs: 2000 })).body.length, 100_000);
});

test('sendRequest: a refused connection rejects with its code; an abort with the signal\'s reason; an unknown protocol at once', async (t) => {
  const port = await freePort();
  await t.throwsAsync(sendRequest(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 }), { code: 'ECONNREFUSED' });
  const silent = await serve(t, () => undefined);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 50);
  await t.throwsAsync(sendRequest(silent, { timeoutMs: 5000, signal: abort.signal }), { name: 'AbortError' });
  await t.throwsAsync(sendRequest('ftp://127.0.0.1/', { timeoutMs: 100 }), { message: 'unsupported protocol "ftp:" in ftp://127.0.0.1/' });
});

test('sendRequest never loads undici (fetch\'s HTTP client, about 18 MB resident once loaded)', async (t) => {
  const url = await serve(t, (_req, res) => res.end('ok'));
  await sendRequest(url, { timeoutMs: 2000 });
  const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.filter((m) => m.includes('undici'));
  t.deepEqual(loaded, []);
});
