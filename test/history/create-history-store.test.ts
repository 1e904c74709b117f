import test from 'ava';
import type { ServerResponse } from 'node:http';
import { parseConfig } from '../../src/config/index.ts';
import {
  createHistoryStore, historyNotConfigured, HISTORY_NOT_CONFIGURED_MESSAGE, InfluxHistoryStore, VictoriaHistoryStore, type ReadingsQuery,
} from '../../src/history/index.ts';
import { float, toLineProtocol } from '../../src/points/point.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { startRecordingServer } from './recording-server.ts';

const SERIAL = 'serial: { path: /dev/ttyACM0 }\n';
const influxAt = (url: string) => `influx: { url: "${url}", org: home, bucket: sensors, token: secret-token }\n`;
const T0 = Date.UTC(2024, 0, 1);
const q: ReadingsQuery = { measurement: 'environment', field: 'temperature', fromMs: T0, toMs: T0 + 60_000, stepS: 60 };
const load = (yaml: string) => parseConfig(`${SERIAL}${yaml}`, 'gateway.yaml', {});

const emptyMatrix = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
};

test('createHistoryStore: no influx section (line-protocol files) is no store, and the API has the 503 message for it', async (t) => {
  t.is(createHistoryStore(await load('')), undefined);
  const error = historyNotConfigured();
  t.is(error.code, 'HISTORY_NOT_CONFIGURED');
  t.false(error.retryable);
  t.is(error.message, HISTORY_NOT_CONFIGURED_MESSAGE);
  t.regex(error.message, /^history: no time-series store is configured/);
});

test('createHistoryStore: an influx section asks InfluxDB at influx.url with its org, bucket and token', async (t) => {
  const server = await startRecordingServer((_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('\r\n'));
  try {
    const store = createHistoryStore(await load(influxAt(server.url)));
    t.true(store instanceof InfluxHistoryStore);
    t.is(store?.backend, 'influx');
    t.deepEqual(await store!.query(q), []);
    t.is(server.requests[0].url, '/api/v2/query?org=home');
    t.is(server.requests[0].headers.authorization, 'Token secret-token');
    t.true((JSON.parse(server.requests[0].body) as { query: string }).query.startsWith('from(bucket: "sensors")'));
  } finally {
    await server.close();
  }
});

test('createHistoryStore: victoria-metrics on the influx.url server gets the token, on another server it does not', async (t) => {
  const influx = await startRecordingServer(emptyMatrix);
  const other = await startRecordingServer(emptyMatrix);
  try {
    const same = createHistoryStore(await load(`${influxAt(influx.url)}history: { backend: victoria-metrics }`));
    t.true(same instanceof VictoriaHistoryStore);
    await same!.query(q);
    t.is(influx.requests[0].headers.authorization, 'Token secret-token');
    const elsewhere = createHistoryStore(await load(`${influxAt(influx.url)}history: { backend: victoria-metrics, url: "${other.url}" }`));
    await elsewhere!.query(q);
    t.is(other.requests.length, 1);
    t.is(other.requests[0].headers.authorization, undefined);
    const alone = createHistoryStore(await load(`history: { backend: victoria-metrics, url: "${other.url}" }`));
    await alone!.query(q);
    t.is(other.requests[1].headers.authorization, undefined);
  } finally {
    await influx.close();
    await other.close();
  }
});

test('createHistoryStore: the gateway\'s own config on a real VictoriaMetrics reads back what was written', async (t) => {
  const vm = await startVictoria();
  try {
    const tags = { gateway: 'cupboard-pi', node: 'a2:b2:c2:d2:e2:f2', room: 'Kitchen' };
    const line = toLineProtocol({ measurement: 'environment', tags, fields: { temperature: float(21.53) }, timeUs: (T0 + 1234) * 1000 });
    const res = await fetch(`${vm.url}/api/v2/write?org=home&bucket=sensors&precision=us`, { method: 'POST', body: line });
    t.is(res.status, 204);
    await fetch(`${vm.url}/internal/force_flush`);
    const store = createHistoryStore(await load(`${influxAt(vm.url)}history: { backend: victoria-metrics }`));
    t.deepEqual(await store!.query({ ...q, node: 'a2b2c2d2e2f2' }), [{ tags, points: [[T0, 21.53]] }]);
  } finally {
    await vm.stop();
  }
});
