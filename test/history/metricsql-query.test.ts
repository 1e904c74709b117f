import test from 'ava';
import { buildRangeQuery, HistoryQueryError, promString, type ReadingsQuery } from '../../src/history/index.ts';

const T0 = Date.UTC(2023, 10, 14, 22, 0, 0); // 1700000000 s is 22:13:20, T0 is 1699999200 s
const HOUR = { fromMs: T0, toMs: T0 + 3_600_000 };

/** [case, query, the range query's parameters]. */
const queries: Array<[string, ReadingsQuery, Record<string, string>]> = [
  ['temperature of a room: evaluated at each step start + step - 1 ms', { measurement: 'environment', field: 'temperature', room: 'Kitchen', ...HOUR, stepS: 60 }, {
    query: 'avg_over_time({__name__="environment_temperature",room="Kitchen"}[60s])',
    start: '1699999259.999', end: '1700002799.999', step: '60s', nocache: '1',
  }],
  ['relay of one outlet', { measurement: 'power', field: 'relay', node: 'a2b2c2d2e2f4', channel: 2, fromMs: T0 + 1, toMs: T0 + 3_000_001, stepS: 600 }, {
    query: 'last_over_time({__name__="power_relay",node="a2:b2:c2:d2:e2:f4",channel="2"}[600s])',
    start: '1699999799.999', end: '1700002799.999', step: '600s', nocache: '1',
  }],
  ['broker rx_dropped keeps its underscore', { measurement: 'broker', field: 'rx_dropped', ...HOUR, stepS: 3600 }, {
    query: 'last_over_time({__name__="broker_rx_dropped"}[3600s])', start: '1700002799.999', end: '1700002799.999', step: '3600s', nocache: '1',
  }],
  ['lost is summed per step', { measurement: 'node', field: 'lost', ...HOUR, stepS: 300 }, {
    query: 'sum_over_time({__name__="node_lost"}[300s])', start: '1699999499.999', end: '1700002799.999', step: '300s', nocache: '1',
  }],
  ['a trip keeps the worst code', { measurement: 'power', field: 'trip', ...HOUR, stepS: 60 }, {
    query: 'max_over_time({__name__="power_trip"}[60s])', start: '1699999259.999', end: '1700002799.999', step: '60s', nocache: '1',
  }],
];

for (const [name, q, params] of queries) {
  test(`buildRangeQuery: ${name}`, (t) => {
    t.deepEqual({ ...buildRangeQuery(q) }, params);
  });
}

/** [case, value, its PromQL literal]. */
const literals: Array<[string, string, string]> = [
  ['plain', 'Kitchen', '"Kitchen"'],
  ['a quote', 'a"b', '"a\\"b"'],
  ['a backslash', 'a\\b', '"a\\\\b"'],
  ['a backslash before a quote', '\\"', '"\\\\\\""'],
  ['newline, return, tab', 'a\nb\rc\td', '"a\\nb\\rc\\td"'],
  ['braces, commas and single quotes stay', `}{a=',b`, `"}{a=',b"`],
  ['unicode stays', 'Küche 🔥', '"Küche 🔥"'],
];

for (const [name, value, literal] of literals) {
  test(`promString: ${name}`, (t) => {
    t.is(promString(value), literal);
    t.is(JSON.parse(literal), value); // a JSON string is a valid Go string literal for these characters
  });
}

for (const room of ['x"} or vector(1) or {a="', '\\"}) or up{a="\\', 'a"\n}[1s]) # ']) {
  test(`buildRangeQuery: room ${JSON.stringify(room)} stays one label value`, (t) => {
    const { query } = buildRangeQuery({ measurement: 'environment', field: 'humidity', room, ...HOUR, stepS: 60 });
    t.true(query.startsWith('avg_over_time({__name__="environment_humidity",room="'));
    t.true(query.endsWith('"}[60s])'));
    const literal = query.slice(query.indexOf('room=') + 5, -'}[60s])'.length);
    t.is(JSON.parse(literal), room);
  });
}

test('buildRangeQuery: a bad query throws', (t) => {
  t.throws(() => buildRangeQuery({ measurement: 'power', field: 'temperature', ...HOUR, stepS: 60 }), { instanceOf: HistoryQueryError, message: /^field: / });
});
