import test from 'ava';
import { freePort } from '../helpers/free-port.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import {
  buildFlux, HistoryQueryError, HistoryStoreError, HistoryUnavailableError, InfluxHistoryStore, type ReadingsQuery,
} from '../../src/history/index.ts';
import { annotatedTable, startRecordingServer, type RecordingServer } from './recording-server.ts';

const START = '2023-11-14T22:00:00Z';
const STOP = '2023-11-14T22:04:00Z';
const T0 = Date.parse(START);
const MIN = 60_000;
const kitchen = { gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' };
const hall = { gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f4', room: 'Hall "north", upstairs' };
const temperature: ReadingsQuery = { measurement: 'environment', field: 'temperature', fromMs: T0, toMs: T0 + 4 * MIN, stepS: 60 };

/** Two nodes' temperature per minute, as InfluxDB answers aggregateWindow(createEmpty: true): empty `_value` for a minute without data. */
const twoNodes =
  annotatedTable(0, 'double', kitchen, START, STOP, 'temperature', 'environment', [
    ['2023-11-14T22:00:00Z', '21.5'], ['2023-11-14T22:01:00Z', ''], ['2023-11-14T22:02:00Z', '22.25'], ['2023-11-14T22:03:00Z', '23'],
  ]).replace(/\r\n$/, '') + '\r\n' +
  annotatedTable(1, 'double', hall, START, STOP, 'temperature', 'environment', [
    ['2023-11-14T22:00:00Z', ''], ['2023-11-14T22:01:00Z', '-3.5'], ['2023-11-14T22:02:00Z', ''], ['2023-11-14T22:03:00Z', ''],
  ]).split('\r\n').slice(4).join('\r\n'); // same annotations: InfluxDB sends the rows of table 1 right after table 0's

const csv = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
  res.end(body);
};

async function withServer(answer: RecordingServer['answer'], run: (server: RecordingServer, store: InfluxHistoryStore) => Promise<void>, timeoutMs?: number): Promise<void> {
  const server = await startRecordingServer(answer);
  try {
    await run(server, new InfluxHistoryStore({ url: server.url, org: 'home', bucket: 'sensors', token: 'secret-token', timeoutMs }));
  } finally {
    await server.close();
  }
}

test('influx history: POSTs the Flux of buildFlux to /api/v2/query with the org and the token', async (t) => {
  await withServer(csv(twoNodes), async (server, store) => {
    await store.query({ ...temperature, room: 'Kitchen' });
    t.is(server.requests.length, 1);
    const [req] = server.requests;
    t.is(req.method, 'POST');
    t.is(req.url, '/api/v2/query?org=home');
    t.is(req.headers.authorization, 'Token secret-token');
    const body = JSON.parse(req.body) as { query: string; dialect?: { annotations?: string[] } };
    t.is(body.query, buildFlux({ ...temperature, room: 'Kitchen' }, 'sensors'));
    t.true(body.query.includes('r.room == "Kitchen"'));
    t.deepEqual(body.dialect?.annotations?.sort(), ['datatype', 'default', 'group']);
  });
});

test('influx history: each table becomes one series with its tags, empty windows are null', async (t) => {
  await withServer(csv(twoNodes), async (_server, store) => {
    const series = await store.query(temperature);
    t.deepEqual(series, [
      { tags: kitchen, points: [[T0, 21.5], [T0 + MIN, null], [T0 + 2 * MIN, 22.25], [T0 + 3 * MIN, 23]] },
      { tags: hall, points: [[T0, null], [T0 + MIN, -3.5], [T0 + 2 * MIN, null], [T0 + 3 * MIN, null]] },
    ].sort((a, b) => (JSON.stringify(a.tags) < JSON.stringify(b.tags) ? -1 : 1)));
  });
});

test('influx history: a boolean relay becomes 1 and 0, the channel is a tag', async (t) => {
  const tags = { ...kitchen, channel: '2' };
  const body = annotatedTable(0, 'boolean', tags, START, STOP, 'relay', 'power', [
    ['2023-11-14T22:00:00Z', 'true'], ['2023-11-14T22:01:00Z', 'false'], ['2023-11-14T22:02:00Z', ''], ['2023-11-14T22:03:00Z', 'true'],
  ]);
  await withServer(csv(body), async (_server, store) => {
    const series = await store.query({ ...temperature, measurement: 'power', field: 'relay', channel: 2 });
    t.deepEqual(series, [{ tags: { channel: '2', gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' }, points: [[T0, 1], [T0 + MIN, 0], [T0 + 2 * MIN, null], [T0 + 3 * MIN, 1]] }]);
  });
});

test('influx history: tables of one tag set with different value types are one series (integer rssi, then float)', async (t) => {
  const body = annotatedTable(0, 'long', kitchen, START, STOP, 'rssi', 'node', [['2023-11-14T22:00:00Z', '-61']]) + '\r\n' +
    annotatedTable(1, 'double', kitchen, START, STOP, 'rssi', 'node', [['2023-11-14T22:02:00Z', '-60.5']]);
  await withServer(csv(body), async (_server, store) => {
    const series = await store.query({ ...temperature, measurement: 'node', field: 'rssi' });
    t.deepEqual(series, [{ tags: kitchen, points: [[T0, -61], [T0 + MIN, null], [T0 + 2 * MIN, -60.5], [T0 + 3 * MIN, null]] }]);
  });
});

test('influx history: no data in the range is no series', async (t) => {
  await withServer(csv('\r\n'), async (_server, store) => {
    t.deepEqual(await store.query(temperature), []);
  });
});

test('influx history: more series than maxSeries is HISTORY_TOO_MANY_SERIES naming room', async (t) => {
  const server = await startRecordingServer(csv(twoNodes));
  try {
    const store = new InfluxHistoryStore({ url: server.url, org: 'home', bucket: 'sensors', token: 't', maxSeries: 1 });
    const error = await t.throwsAsync(store.query(temperature), { instanceOf: HistoryQueryError });
    t.is(error?.code, 'HISTORY_TOO_MANY_SERIES');
    t.is(error?.param, 'room');
    t.is(error?.message, 'room: more than 1 series of environment.temperature match; name a room or node to narrow the query');
  } finally {
    await server.close();
  }
});

test('influx history: a bad query never reaches the server', async (t) => {
  await withServer(csv(twoNodes), async (server, store) => {
    await t.throwsAsync(store.query({ ...temperature, stepS: 0 }), { instanceOf: HistoryQueryError, message: /^step: / });
    t.is(server.requests.length, 0);
  });
});

/** [case, status, JSON body, error class, code, message start]. */
const refusals: Array<[string, number, object, typeof HistoryStoreError | typeof HistoryUnavailableError, string, RegExp]> = [
  ['401 names influx.token', 401, { code: 'unauthorized', message: 'unauthorized access' }, HistoryStoreError, 'HISTORY_STORE_REFUSED', /^influx\.token: InfluxDB http:\/\/127\.0\.0\.1:\d+ rejected the token \(401 unauthorized access\)$/],
  ['403 names influx.token and the bucket', 403, { code: 'forbidden', message: 'insufficient permissions' }, HistoryStoreError, 'HISTORY_STORE_REFUSED', /^influx\.token: no read permission on influx\.bucket "sensors" of influx\.org "home"/],
  ['404 names influx.org and influx.bucket', 404, { code: 'not found', message: 'failed to initialize execute state: could not find bucket "sensors"' }, HistoryStoreError, 'HISTORY_STORE_REFUSED', /^influx\.org "home" or influx\.bucket "sensors" not found at InfluxDB .* \(404 failed to initialize/],
  ['400 is a refused query', 400, { code: 'invalid', message: 'compilation failed' }, HistoryStoreError, 'HISTORY_STORE_REFUSED', /refused the history query \(400 compilation failed\)$/],
  ['500 is unavailable', 500, { code: 'internal error', message: 'boom' }, HistoryUnavailableError, 'HISTORY_UNAVAILABLE', /answered 500 boom; try again later$/],
  ['503 is unavailable', 503, { code: 'unavailable', message: 'starting' }, HistoryUnavailableError, 'HISTORY_UNAVAILABLE', /answered 503 starting/],
];

for (const [name, status, body, type, code, message] of refusals) {
  test(`influx history: ${name}`, async (t) => {
    const answer = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    await withServer(answer, async (_server, store) => {
      const error = await t.throwsAsync(store.query(temperature), { instanceOf: type });
      t.is(error?.code, code);
      t.is(error?.retryable, type === HistoryUnavailableError);
      t.regex(error!.message, message);
    });
  });
}

test('influx history: nothing listening is HISTORY_UNAVAILABLE with ECONNREFUSED, retryable', async (t) => {
  const store = new InfluxHistoryStore({ url: `http://127.0.0.1:${await freePort()}`, org: 'home', bucket: 'sensors', token: 't' });
  const error = await t.throwsAsync(store.query(temperature), { instanceOf: HistoryUnavailableError });
  t.is(error?.code, 'HISTORY_UNAVAILABLE');
  t.true(error?.retryable);
  t.regex(error!.message, /^InfluxDB http:\/\/127\.0\.0\.1:\d+ unreachable: ECONNREFUSED$/);
});

test('influx history: a server that never answers is HISTORY_UNAVAILABLE after the timeout', async (t) => {
  await withServer(() => {}, async (_server, store) => {
    const started = Date.now();
    const error = await t.throwsAsync(store.query(temperature), { instanceOf: HistoryUnavailableError });
    t.regex(error!.message, /history query timed out \(no answer for 300 ms\)$/);
    t.true(Date.now() - started < 3000);
  }, 300);
});

test('influx history: each query is logged at debug with its size, never the token', async (t) => {
  const rec = recordingLog();
  const server = await startRecordingServer(csv(twoNodes));
  try {
    await new InfluxHistoryStore({ url: server.url, org: 'home', bucket: 'sensors', token: 'secret-token', log: rec.log }).query(temperature);
    t.like(rec.find('history query')[0], { measurement: 'environment', field: 'temperature', series: 2, points: 4 });
    t.false(JSON.stringify(rec.entries).includes('secret-token'));
  } finally {
    await server.close();
  }
});

test('influx history: an error table after the 200 status is HISTORY_STORE_REFUSED with InfluxDB\'s reason', async (t) => {
  const body = '#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n,"runtime error @4:6-4:90: aggregateWindow: schema collision",897\r\n';
  await withServer(csv(body), async (_server, store) => {
    const error = await t.throwsAsync(store.query(temperature), { instanceOf: HistoryStoreError });
    t.regex(error!.message, /^InfluxDB http:\/\/127\.0\.0\.1:\d+ failed the history query: runtime error @4:6-4:90: aggregateWindow: schema collision$/);
  });
});
