import test from 'ava';
import { HistoryQueryError, planQuery, type HistoryParam, type ReadingsQuery } from '../../src/history/index.ts';

const T0 = Date.UTC(2023, 10, 14, 22, 0, 0); // 2023-11-14T22:00:00Z, a multiple of every step below
const base: ReadingsQuery = { measurement: 'environment', field: 'temperature', fromMs: T0, toMs: T0 + 3_600_000, stepS: 60 };

/** [case, changes to {@link base}, parameter named, text the message contains]. */
const refused: Array<[string, Partial<Record<keyof ReadingsQuery, unknown>>, HistoryParam, string]> = [
  ['an unknown measurement', { measurement: 'weather' }, 'measurement', '"weather" is not a measurement (environment, node, power, input, broker, command)'],
  ['a field of another measurement', { field: 'voltage' }, 'field', '"voltage" is not a numeric field of environment (temperature, humidity, pressure, illuminance)'],
  ['a string field of command', { measurement: 'command', field: 'status' }, 'field', 'command.status is stored as a string; history serves numbers (id)'],
  ['a field named like an Object method', { field: 'constructor' }, 'field', 'not a numeric field'],
  ['a room on broker', { measurement: 'broker', field: 'rx', room: 'Kitchen' }, 'room', 'the broker measurement has no room tag'],
  ['a node on broker', { measurement: 'broker', field: 'rx', node: 'a2b2c2d2e2f2' }, 'node', 'no node tag'],
  ['a channel on environment', { channel: 1 }, 'channel', 'the environment measurement has no channel tag'],
  ['an empty room', { room: '' }, 'room', 'must be a room name of 1..256 characters'],
  ['a room of 257 characters', { room: 'x'.repeat(257) }, 'room', '1..256'],
  ['a short MAC', { node: 'a2:b2' }, 'node', '"a2:b2" is not a MAC address (12 hex digits)'],
  ['a channel of 256', { measurement: 'power', field: 'power', channel: 256 }, 'channel', '256 is not a channel (0..255)'],
  ['a channel of 1.5', { measurement: 'power', field: 'power', channel: 1.5 }, 'channel', 'not a channel'],
  ['from after to', { fromMs: T0 + 1, toMs: T0 }, 'to', 'must be after from (from 2023-11-14T22:00:00.001Z, to 2023-11-14T22:00:00.000Z)'],
  ['from equal to to', { toMs: T0 }, 'to', 'must be after from'],
  ['a negative from', { fromMs: -1 }, 'from', '-1 is not a time'],
  ['a NaN to', { toMs: Number.NaN }, 'to', 'is not a time'],
  ['a step of 0', { stepS: 0 }, 'step', '0 is not a step (whole seconds, 1..31622400)'],
  ['a step of 1.5 s', { stepS: 1.5 }, 'step', 'not a step'],
  ['a step too short for the range', { stepS: 1 }, 'step', '1 s gives 3600 points per series from 2023-11-14T22:00:00.000Z to 2023-11-14T23:00:00.000Z, at most 2000 are served: use a step of at least 2 s'],
  ['a day at 10 s', { toMs: T0 + 86_400_000, stepS: 10 }, 'step', '8640 points per series'],
];

for (const [name, changes, param, text] of refused) {
  test(`planQuery: ${name} is refused, naming ${param}`, (t) => {
    const error = t.throws(() => planQuery({ ...base, ...changes } as ReadingsQuery), { instanceOf: HistoryQueryError });
    t.is(error?.code, 'HISTORY_BAD_QUERY');
    t.is(error?.param, param);
    t.false(error?.retryable);
    t.true(error?.message.startsWith(`${param}: `), error?.message);
    t.true(error?.message.includes(text), error?.message);
  });
}

test('planQuery: the suggested step is accepted and one second less is not', (t) => {
  // 2023-11-14T22:00:07Z to 23:07:00: an unaligned range, so the aligned grid can need one more step than span / 2000
  const q = { ...base, fromMs: T0 + 7000, toMs: T0 + 4_020_000, stepS: 1 };
  const error = t.throws(() => planQuery(q), { instanceOf: HistoryQueryError });
  const suggested = Number(/at least (\d+) s/.exec(error!.message)![1]);
  t.true(planQuery({ ...q, stepS: suggested }).points <= 2000);
  t.throws(() => planQuery({ ...q, stepS: suggested - 1 }));
});

/** [case, query, what the plan holds]. */
const planned: Array<[string, ReadingsQuery, Record<string, unknown>]> = [
  ['an aligned hour at 60 s has 60 points', base, { startMs: T0, endMs: T0 + 3_600_000, points: 60, aggregate: 'mean' }],
  ['from is rounded down and to up to the step', { ...base, fromMs: T0 + 59_999, toMs: T0 + 120_001 }, { startMs: T0, endMs: T0 + 180_000, points: 3 }],
  ['a range shorter than a step is one point', { ...base, fromMs: T0 + 1, toMs: T0 + 2, stepS: 3600 }, { startMs: T0, endMs: T0 + 3_600_000, points: 1 }],
  ['2000 points are allowed', { ...base, toMs: T0 + 2000_000, stepS: 1 }, { points: 2000 }],
  ['a MAC in dashes becomes the stored node tag', { ...base, node: 'A2-B2-C2-D2-E2-F2' }, { node: 'a2:b2:c2:d2:e2:f2' }],
  ['a plain MAC becomes the stored node tag', { ...base, node: 'a2b2c2d2e2f2' }, { node: 'a2:b2:c2:d2:e2:f2' }],
  ['a channel becomes the decimal tag', { ...base, measurement: 'power', field: 'relay', channel: 2 }, { channel: '2', aggregate: 'last' }],
  ['lost is summed per step', { ...base, measurement: 'node', field: 'lost' }, { aggregate: 'sum' }],
  ['a trip keeps its worst code per step', { ...base, measurement: 'power', field: 'trip' }, { aggregate: 'max' }],
  ['a room with quotes is kept as it is', { ...base, room: 'Bob\'s "den"\\' }, { room: 'Bob\'s "den"\\' }],
];

for (const [name, q, expected] of planned) {
  test(`planQuery: ${name}`, (t) => {
    t.like(planQuery(q), expected);
  });
}
