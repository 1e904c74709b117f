import test from 'ava';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import type { AlertCondition } from '../../../src/control/alerts/index.ts';
import { readingSamples } from '../../../src/control/alerts/condition-samples.ts';

type Field = Extract<AlertCondition, { kind: 'field' }>;
const reading: ReadingEvent = {
  mac: 'aabbccddee01', room: 'bath', kind: 'REPORT', atMs: 0, rssi: -82,
  values: { humidity: 74.5, temperature: 21 },
  channels: [{ channel: 0, power: 40, relay: true }, { channel: 1, power: 2300, relay: false }],
};
const field = (more: Partial<Field>): Field => ({ kind: 'field', measurement: 'environment', field: 'humidity', nodes: {}, above: 70, ...more });
const node = { node: 'aa:bb:cc:dd:ee:01', room: 'bath' };

const table: Array<[string, Field, Array<[Record<string, string>, boolean, number]>]> = [
  ['humidity above 70 %', field({}), [[node, true, 74.5]]],
  ['humidity below 30 % (not broken)', field({ above: undefined, below: 30 }), [[node, false, 74.5]]],
  ['outside a band (above 25 or below 15 degC)', field({ field: 'temperature', above: 25, below: 15 }), [[node, false, 21]]],
  ['rssi below -80 dBm comes from the reading itself', field({ measurement: 'node', field: 'rssi', above: undefined, below: -80 }), [[node, true, -82]]],
  ['power of every channel, one sample each', field({ measurement: 'power', field: 'power', above: 2000 }), [[{ ...node, channel: '0' }, false, 40], [{ ...node, channel: '1' }, true, 2300]]],
  ['power of channel 1 only', field({ measurement: 'power', field: 'power', above: 2000, channel: 1 }), [[{ ...node, channel: '1' }, true, 2300]]],
  ['a relay counts as 1 or 0', field({ measurement: 'power', field: 'relay', above: 0.5, channel: 0 }), [[{ ...node, channel: '0' }, true, 1]]],
  ['another room is filtered out', field({ nodes: { room: 'kitchen' } }), []],
  ['another node is filtered out', field({ nodes: { mac: 'aabbccddee02' } }), []],
  ['the same node by MAC', field({ nodes: { mac: 'aabbccddee01' } }), [[node, true, 74.5]]],
  ['a field the reading lacks gives no sample', field({ field: 'pressure' }), []],
];
for (const [name, condition, expected] of table) {
  test(`condition samples: ${name}`, (t) => {
    t.deepEqual(readingSamples(condition, reading).map((s) => [s.labels, s.active, s.value]), expected);
  });
}
