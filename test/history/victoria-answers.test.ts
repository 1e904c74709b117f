import test from 'ava';
import type { ServerResponse } from 'node:http';
import { freePort } from '../helpers/free-port.ts';
import { HistoryStoreError, HistoryUnavailableError, VictoriaHistoryStore, buildRangeQuery, type ReadingsQuery } from '../../src/history/index.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

// The answers a real VictoriaMetrics does not give on demand (refusals, outages, proxies), from a recording server.
const T0 = Date.UTC(2024, 0, 1);
const q: ReadingsQuery = { measurement: 'environment', field: 'temperature', room: 'Kitchen', fromMs: T0, toMs: T0 + 120_000, stepS: 60 };

const json = (status: number, body: object) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const emptyMatrix = json(200, { status: 'success', data: { resultType: 'matrix', result: [] } });

async function withServer(answer: RecordingServer['answer'], run: (server: RecordingServer) => Promise<void>): Promise<void> {
  const server = await startRecordingServer(answer);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

test('victoria answers: GET /api/v1/query_range with the built parameters; a token only when given', async (t) => {
  await withServer(emptyMatrix, async (server) => {
    await new VictoriaHistoryStore({ url: server.url }).query(q);
    await new VictoriaHistoryStore({ url: `${server.url}/`, token: 'secret-token' }).query(q);
    const [plain, withToken] = server.requests;
    t.is(plain.method, 'GET');
    const url = new URL(plain.url, server.url);
    t.is(url.pathname, '/api/v1/query_range');
    t.deepEqual(Object.fromEntries(url.searchParams), { ...buildRangeQuery(q) });
    t.is(plain.headers.authorization, undefined);
    t.is(withToken.headers.authorization, 'Token secret-token');
    t.is(new URL(withToken.url, server.url).pathname, '/api/v1/query_range');
  });
});

test('victoria answers: a URL with a path (vmselect) keeps it', async (t) => {
  await withServer(emptyMatrix, async (server) => {
    await new VictoriaHistoryStore({ url: `${server.url}/select/0/prometheus` }).query(q);
    t.is(new URL(server.requests[0].url, server.url).pathname, '/select/0/prometheus/api/v1/query_range');
  });
});

test('victoria answers: NaN is null and __name__ is left out of the tags', async (t) => {
  const answer = json(200, { status: 'success', data: { resultType: 'matrix', result: [
    { metric: { __name__: 'environment_temperature', room: 'Kitchen', node: 'a2:b2:c2:d2:e2:f2' }, values: [[T0 / 1000 + 59.999, 'NaN'], [T0 / 1000 + 119.999, '21.5']] },
  ] } });
  await withServer(answer, async (server) => {
    t.deepEqual(await new VictoriaHistoryStore({ url: server.url }).query(q), [
      { tags: { node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' }, points: [[T0, null], [T0 + 60_000, 21.5]] },
    ]);
  });
});

/** [case, status, body, error class, message pattern]. */
const refusals: Array<[string, number, object, typeof HistoryStoreError | typeof HistoryUnavailableError, RegExp]> = [
  ['422 is a refused query with VictoriaMetrics\' reason', 422, { status: 'error', errorType: '422', error: 'cannot parse query' }, HistoryStoreError, /^VictoriaMetrics http:\/\/127\.0\.0\.1:\d+ refused the history query \(422 cannot parse query\)$/],
  ['401 from a proxy names history.url', 401, { error: 'unauthorized' }, HistoryStoreError, /^history\.url: VictoriaMetrics .* wants other credentials \(401 unauthorized\)/],
  ['503 is unavailable', 503, { status: 'error', error: 'too many concurrent requests' }, HistoryUnavailableError, /answered 503 too many concurrent requests; try again later$/],
  ['a 200 that is not a success is refused', 200, { status: 'error', error: 'partial' }, HistoryStoreError, /refused the history query \(200 partial\)$/],
  ['a vector instead of a matrix is refused', 200, { status: 'success', data: { resultType: 'vector', result: [] } }, HistoryStoreError, /answered a vector result, not a matrix$/],
];

for (const [name, status, body, type, message] of refusals) {
  test(`victoria answers: ${name}`, async (t) => {
    await withServer(json(status, body), async (server) => {
      const error = await t.throwsAsync(new VictoriaHistoryStore({ url: server.url }).query(q), { instanceOf: type });
      t.is(error?.code, type === HistoryUnavailableError ? 'HISTORY_UNAVAILABLE' : 'HISTORY_STORE_REFUSED');
      t.is(error?.retryable, type === HistoryUnavailableError);
      t.regex(error!.message, message);
    });
  });
}

test('victoria answers: an HTML error page from a proxy is refused with its text', async (t) => {
  const answer = (_req: unknown, res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html>not here</html>');
  };
  await withServer(answer, async (server) => {
    const error = await t.throwsAsync(new VictoriaHistoryStore({ url: server.url }).query(q), { instanceOf: HistoryStoreError });
    t.regex(error!.message, /refused the history query \(404 <html>not here<\/html>\)$/);
    t.is(error?.status, 404);
  });
});

test('victoria answers: nothing listening is HISTORY_UNAVAILABLE with ECONNREFUSED', async (t) => {
  const error = await t.throwsAsync(new VictoriaHistoryStore({ url: `http://127.0.0.1:${await freePort()}` }).query(q), { instanceOf: HistoryUnavailableError });
  t.true(error?.retryable);
  t.regex(error!.message, /^VictoriaMetrics http:\/\/127\.0\.0\.1:\d+ unreachable: ECONNREFUSED$/);
});

test('victoria answers: a server that never answers is HISTORY_UNAVAILABLE after the timeout', async (t) => {
  await withServer(() => {}, async (server) => {
    const started = Date.now();
    const error = await t.throwsAsync(new VictoriaHistoryStore({ url: server.url, timeoutMs: 300 }).query(q), { instanceOf: HistoryUnavailableError });
    t.regex(error!.message, /history query timed out \(no answer in 300 ms\)$/);
    t.true(Date.now() - started < 3000);
  });
});
