import test from 'ava';
import { buildFlux, fluxString, HistoryQueryError, type ReadingsQuery } from '../../src/history/index.ts';

const T0 = Date.UTC(2023, 10, 14, 22, 0, 0);
const HOUR = { fromMs: T0, toMs: T0 + 3_600_000 };

/** [case, query, the whole Flux text]. */
const queries: Array<[string, ReadingsQuery, string]> = [
  ['temperature of a room, mean per minute', { measurement: 'environment', field: 'temperature', room: 'Kitchen', ...HOUR, stepS: 60 }, [
    'from(bucket: "sensors")',
    '  |> range(start: 2023-11-14T22:00:00.000Z, stop: 2023-11-14T23:00:00.000Z)',
    '  |> filter(fn: (r) => r._measurement == "environment" and r._field == "temperature" and r.room == "Kitchen")',
    '  |> aggregateWindow(every: 60s, fn: mean, createEmpty: true, timeSrc: "_start")',
    '  |> yield(name: "history")',
  ].join('\n')],
  ['relay of one outlet, last per 10 min, range rounded to the step', {
    measurement: 'power', field: 'relay', node: 'A2-B2-C2-D2-E2-F4', channel: 2, fromMs: T0 + 1, toMs: T0 + 3_000_001, stepS: 600,
  }, [
    'from(bucket: "sensors")',
    '  |> range(start: 2023-11-14T22:00:00.000Z, stop: 2023-11-14T23:00:00.000Z)',
    '  |> filter(fn: (r) => r._measurement == "power" and r._field == "relay" and r.node == "a2:b2:c2:d2:e2:f4" and r.channel == "2")',
    '  |> aggregateWindow(every: 600s, fn: last, createEmpty: true, timeSrc: "_start")',
    '  |> yield(name: "history")',
  ].join('\n')],
  ['broker counters, no tag filter', { measurement: 'broker', field: 'rx_dropped', ...HOUR, stepS: 3600 }, [
    'from(bucket: "sensors")',
    '  |> range(start: 2023-11-14T22:00:00.000Z, stop: 2023-11-14T23:00:00.000Z)',
    '  |> filter(fn: (r) => r._measurement == "broker" and r._field == "rx_dropped")',
    '  |> aggregateWindow(every: 3600s, fn: last, createEmpty: true, timeSrc: "_start")',
    '  |> yield(name: "history")',
  ].join('\n')],
  ['lost messages summed', { measurement: 'node', field: 'lost', ...HOUR, stepS: 300 }, [
    'from(bucket: "sensors")',
    '  |> range(start: 2023-11-14T22:00:00.000Z, stop: 2023-11-14T23:00:00.000Z)',
    '  |> filter(fn: (r) => r._measurement == "node" and r._field == "lost")',
    '  |> aggregateWindow(every: 300s, fn: sum, createEmpty: true, timeSrc: "_start")',
    '  |> yield(name: "history")',
  ].join('\n')],
];

for (const [name, q, flux] of queries) {
  test(`buildFlux: ${name}`, (t) => {
    t.is(buildFlux(q, 'sensors'), flux);
  });
}

/** [case, value, its Flux literal]. */
const literals: Array<[string, string, string]> = [
  ['plain', 'Kitchen', '"Kitchen"'],
  ['a quote', 'a"b', '"a\\"b"'],
  ['a backslash', 'a\\b', '"a\\\\b"'],
  ['a backslash before a quote', '\\"', '"\\\\\\""'],
  ['an interpolation', '${v}', '"\\${v}"'],
  ['a dollar alone stays', 'cost $5 {x}', '"cost $5 {x}"'],
  ['newline, return, tab', 'a\nb\rc\td', '"a\\nb\\rc\\td"'],
  ['unicode stays', 'Küche 🔥', '"Küche 🔥"'],
];

for (const [name, value, literal] of literals) {
  test(`fluxString: ${name}`, (t) => {
    t.is(fluxString(value), literal);
  });
}

/** Reads a Flux string literal back (the escapes fluxString writes), returning its value and where it ended. */
function readFluxString(text: string, at: number): { value: string; end: number } {
  let value = '';
  let i = at + 1;
  for (; text[i] !== '"'; i += 1) {
    if (i >= text.length) throw new Error('unterminated');
    if (text[i] === '$' && text[i + 1] === '{') throw new Error('interpolation');
    if (text[i] !== '\\') { value += text[i]; continue; }
    i += 1;
    value += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[text[i]] ?? text[i];
  }
  return { value, end: i + 1 };
}

const hostile = [
  'x") |> drop(columns: ["_value"]) //',
  'x" or r.room != "',
  '\\" or true or "',
  '${string(v: 1)}',
  '"\n|> to(bucket: "other")\n"',
];

for (const room of hostile) {
  test(`buildFlux: room ${JSON.stringify(room)} stays one string literal`, (t) => {
    const flux = buildFlux({ measurement: 'environment', field: 'humidity', room, ...HOUR, stepS: 60 }, 'sensors');
    const at = flux.indexOf('r.room == "') + 'r.room == '.length;
    const literal = readFluxString(flux, at);
    t.is(literal.value, room);
    t.is(flux.slice(literal.end), ')\n  |> aggregateWindow(every: 60s, fn: mean, createEmpty: true, timeSrc: "_start")\n  |> yield(name: "history")');
    t.is(flux.split('\n').length, 5);
  });
}

test('buildFlux: the bucket is a string literal too', (t) => {
  t.true(buildFlux({ measurement: 'broker', field: 'rx', ...HOUR, stepS: 60 }, 'a"b').startsWith('from(bucket: "a\\"b")\n'));
});

test('buildFlux: a bad query throws before any Flux is written', (t) => {
  t.throws(() => buildFlux({ measurement: 'environment', field: 'temperature', ...HOUR, stepS: 1 }, 'sensors'), { instanceOf: HistoryQueryError, message: /^step: / });
});
