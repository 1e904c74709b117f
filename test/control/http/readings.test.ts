import test from 'ava';
import { HistoryQueryError, HistoryStoreError, HistoryUnavailableError, VictoriaHistoryStore, type ReadingsQuery, type Series } from '../../../src/history/index.ts';
import { float, toLineProtocol } from '../../../src/points/point.ts';
import { startVictoria } from '../../helpers/victoria.ts';
import { startApiRig, type ApiRig } from './api-rig.ts';

/** A history store that records the queries and answers with `answer` (or throws it). */
function fakeHistory(answer: Series[] | Error = []) {
  const asked: ReadingsQuery[] = [];
  return { asked, store: { query: async (q: ReadingsQuery) => { asked.push(q); if (answer instanceof Error) throw answer; return answer; } } };
}

async function rigWith(t: import('ava').ExecutionContext, history?: { query(q: ReadingsQuery): Promise<Series[]> }): Promise<ApiRig> {
  const rig = await startApiRig(history ? { history } : {});
  t.teardown(rig.close);
  return rig;
}

test('GET /api/readings: times as ISO or ms, step with a unit, room or node; the answer says the grid', async (t) => {
  const series: Series[] = [{ tags: { room: 'Hall', node: 'a2:b2:c2:d2:e2:f3', gateway: 'pi' }, points: [[1735689600000, 21.5], [1735693200000, null]] }];
  const { asked, store } = fakeHistory(series);
  const rig = await rigWith(t, store);
  const res = await rig.call('GET', '/api/readings?measurement=environment&field=temperature&room=Hall&from=2025-01-01T00:00:00Z&to=1735696800000&step=1h', { token: rig.read });
  t.is(res.statusCode, 200, res.body);
  t.deepEqual(res.json(), { measurement: 'environment', field: 'temperature', fromMs: 1735689600000, toMs: 1735696800000, stepS: 3600, series });
  t.deepEqual(asked[0], { measurement: 'environment', field: 'temperature', room: 'Hall', fromMs: 1735689600000, toMs: 1735696800000, stepS: 3600 });
  await rig.call('GET', '/api/readings?measurement=power&field=power&node=A2-B2-C2-D2-E2-F3&channel=2', { token: rig.read });
  t.deepEqual(asked[1], { measurement: 'power', field: 'power', node: 'a2b2c2d2e2f3', channel: 2, fromMs: rig.clock.now - 86_400_000, toMs: rig.clock.now, stepS: 288 });
});

const bad: Array<[string, string, string]> = [
  ['from=yesterday', 'query/from: "yesterday" is not a time', 'BAD_REQUEST'],
  ['step=5w', 'query/step: "5w" is not a step', 'BAD_REQUEST'],
  ['node=nope', 'query/node: "nope" is not a MAC address', 'BAD_MAC'],
  ['token=abc', 'query/token: tokens are never accepted in URLs', 'TOKEN_IN_URL'],
];
for (const [query, message, code] of bad) {
  test(`GET /api/readings with ${query}: 400 naming the parameter`, async (t) => {
    const rig = await rigWith(t, fakeHistory().store);
    const res = await rig.call('GET', `/api/readings?measurement=environment&field=temperature&${query}`, { token: rig.read });
    t.is(res.statusCode, 400);
    t.is(res.json().code, code);
    t.true(res.json().message.startsWith(message), res.json().message);
  });
}

test('GET /api/readings: a measurement that does not exist is a 400 listing those that do', async (t) => {
  const rig = await rigWith(t, fakeHistory().store);
  const res = await rig.call('GET', '/api/readings?measurement=weather&field=temperature', { token: rig.read });
  t.is(res.json().message, 'query/measurement: must be equal to one of the allowed values (environment, node, power, input, broker, command)');
});

const storeErrors: Array<[string, Error, number, string]> = [
  ['a query the store cannot answer as asked', new HistoryQueryError('step', '10 s gives 8640 points per series'), 400, 'HISTORY_BAD_QUERY'],
  ['the store unreachable', new HistoryUnavailableError('http://127.0.0.1:8428: ECONNREFUSED'), 503, 'HISTORY_UNAVAILABLE'],
  ['the store refusing', new HistoryStoreError('influx.token: 401 unauthorized', { status: 401 }), 502, 'HISTORY_STORE_REFUSED'],
];
for (const [what, error, status, code] of storeErrors) {
  test(`GET /api/readings with ${what}: ${status} ${code}`, async (t) => {
    const rig = await rigWith(t, fakeHistory(error).store);
    const res = await rig.call('GET', '/api/readings?measurement=environment&field=temperature', { token: rig.read });
    t.is(res.statusCode, status);
    t.is(res.json().code, code);
    t.true(res.json().message.includes(error.message.slice(0, 20)), res.json().message);
  });
}

test('GET /api/readings without a history store: 503 HISTORY_NOT_CONFIGURED saying what to configure', async (t) => {
  const rig = await rigWith(t);
  const res = await rig.call('GET', '/api/readings?measurement=environment&field=temperature', { token: rig.read });
  t.is(res.statusCode, 503);
  t.is(res.json().code, 'HISTORY_NOT_CONFIGURED');
  t.regex(res.json().message, /add an influx section, or history: \{ backend: victoria-metrics, url: \.\.\. \}/);
});

test('GET /api/readings from a real VictoriaMetrics the points were written to', async (t) => {
  const vm = await startVictoria();
  t.teardown(() => vm.stop());
  const t0 = Date.UTC(2025, 0, 1, 12, 0);
  const lines = [21, 23].map((v, i) => toLineProtocol({ measurement: 'environment', tags: { gateway: 'pi', node: 'a2:b2:c2:d2:e2:f4', room: 'Kitchen' }, fields: { temperature: float(v) }, timeUs: (t0 + i * 10_000) * 1000 }));
  const write = await fetch(`${vm.url}/api/v2/write?org=home&bucket=sensors&precision=us`, { method: 'POST', body: lines.join('\n') });
  t.is(write.status, 204);
  await fetch(`${vm.url}/internal/force_flush`);
  const rig = await rigWith(t, new VictoriaHistoryStore({ url: vm.url }));
  const res = await rig.call('GET', `/api/readings?measurement=environment&field=temperature&room=Kitchen&from=${t0}&to=${t0 + 120_000}&step=1m`, { token: rig.read });
  t.is(res.statusCode, 200, res.body);
  t.deepEqual(res.json().series, [{ tags: { gateway: 'pi', node: 'a2:b2:c2:d2:e2:f4', room: 'Kitchen' }, points: [[t0, 22], [t0 + 60_000, null]] }]);
});
