import test from 'ava';
import { evaluateRule, labelKey, type AlertInstance, type AlertSample } from '../../../src/control/alerts/index.ts';

const KITCHEN = { node: 'aa:bb:cc:dd:ee:01', room: 'kitchen', channel: '1' };
const HALL = { node: 'aa:bb:cc:dd:ee:02', room: 'hall', channel: '1' };
const at = (labels: object, active: boolean, value = active ? 2500 : 100): AlertSample => ({ labels: labels as AlertSample['labels'], active, value });

/** Runs the steps on an injected clock; returns `state@t` per step and the notified changes. */
function run(forMs: number, steps: Array<[number, AlertSample[]]>): { states: string[]; changes: string[] } {
  let instances: ReadonlyMap<string, AlertInstance> = new Map();
  const states: string[] = [];
  const changes: string[] = [];
  for (const [t, samples] of steps) {
    const result = evaluateRule({ name: 'heater', forMs }, instances, samples, t);
    instances = result.instances;
    states.push([...instances.values()].map((i) => `${i.labels.room}:${i.state}`).join(',') || 'none');
    for (const c of result.changes) changes.push(`${t}:${c.labels.room}:${c.state}`);
  }
  return { states, changes };
}

const MIN = 60_000;
const table: Array<[string, number, Array<[number, AlertSample[]]>, string[], string[]]> = [
  ['holds for the whole for: pending, then firing, then resolved', 5 * MIN,
    [[0, [at(KITCHEN, true)]], [4 * MIN, [at(KITCHEN, true)]], [5 * MIN, [at(KITCHEN, true)]], [6 * MIN, [at(KITCHEN, true)]], [7 * MIN, [at(KITCHEN, false)]]],
    ['kitchen:pending', 'kitchen:pending', 'kitchen:firing', 'kitchen:firing', 'none'],
    ['0:kitchen:pending', `${5 * MIN}:kitchen:firing`, `${7 * MIN}:kitchen:resolved`]],
  ['goes false while pending: back to inactive, never fires, and the next spell starts the clock again', 5 * MIN,
    [[0, [at(KITCHEN, true)]], [3 * MIN, [at(KITCHEN, false)]], [4 * MIN, [at(KITCHEN, true)]], [8 * MIN, [at(KITCHEN, true)]], [9 * MIN, [at(KITCHEN, true)]]],
    ['kitchen:pending', 'none', 'kitchen:pending', 'kitchen:pending', 'kitchen:firing'],
    ['0:kitchen:pending', `${3 * MIN}:kitchen:inactive`, `${4 * MIN}:kitchen:pending`, `${9 * MIN}:kitchen:firing`]],
  ['for: 0 fires at the first evaluation', 0,
    [[0, [at(KITCHEN, false)]], [1000, [at(KITCHEN, true)]], [2000, [at(KITCHEN, false)]]],
    ['none', 'kitchen:firing', 'none'],
    ['1000:kitchen:firing', '2000:kitchen:resolved']],
  ['one instance per label set: each node keeps its own clock', 5 * MIN,
    [[0, [at(KITCHEN, true), at(HALL, false)]], [2 * MIN, [at(KITCHEN, true), at(HALL, true)]], [5 * MIN, [at(KITCHEN, true), at(HALL, true)]], [7 * MIN, [at(KITCHEN, false), at(HALL, true)]]],
    ['kitchen:pending', 'kitchen:pending,hall:pending', 'kitchen:firing,hall:pending', 'hall:firing'],
    ['0:kitchen:pending', `${2 * MIN}:hall:pending`, `${5 * MIN}:kitchen:firing`, `${7 * MIN}:kitchen:resolved`, `${7 * MIN}:hall:firing`]],
  ['a label set that disappears is resolved (firing) or dropped (pending)', MIN,
    [[0, [at(KITCHEN, true), at(HALL, true)]], [MIN, [at(KITCHEN, true)]], [2 * MIN, []]],
    ['kitchen:pending,hall:pending', 'kitchen:firing', 'none'],
    ['0:kitchen:pending', '0:hall:pending', `${MIN}:kitchen:firing`, `${MIN}:hall:inactive`, `${2 * MIN}:kitchen:resolved`]],
];
for (const [name, forMs, steps, states, changes] of table) {
  test(`alert state: ${name}`, (t) => {
    const got = run(forMs, steps);
    t.deepEqual(got.states, states);
    t.deepEqual(got.changes, changes);
  });
}

test('alert state: a firing instance keeps its times and takes the latest value', (t) => {
  const first = evaluateRule({ name: 'heater', forMs: 0 }, new Map(), [at(KITCHEN, true, 2100)], 1000);
  const second = evaluateRule({ name: 'heater', forMs: 0 }, first.instances, [at(KITCHEN, true, 2600)], 5000);
  t.deepEqual(second.changes, []);
  t.like([...second.instances.values()][0], { state: 'firing', activeSinceMs: 1000, firedMs: 1000, value: 2600 });
  const resolved = evaluateRule({ name: 'heater', forMs: 0 }, second.instances, [at(KITCHEN, false, 1900)], 9000);
  t.deepEqual(resolved.changes, [{ rule: 'heater', labels: KITCHEN, state: 'resolved', value: 1900, sinceMs: 9000, activeSinceMs: 1000 }]);
});

test('alert state: the label key does not depend on the order of the labels', (t) => {
  t.is(labelKey({ room: 'kitchen', node: 'x' }), labelKey({ node: 'x', room: 'kitchen' }));
  t.not(labelKey({ node: 'x', channel: '1' }), labelKey({ node: 'x', channel: '2' }));
});
