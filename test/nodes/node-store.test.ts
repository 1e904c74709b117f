import test from 'ava';
import { EventBus } from '../../src/bus/event-bus.ts';
import type { CommandView } from '../../src/commands/types.ts';
import { silentLogger } from '../../src/log.ts';
import { nodeHealth } from '../../src/nodes/health.ts';
import { NodeStore } from '../../src/nodes/node-store.ts';
import type { NodeState } from '../../src/nodes/node-state.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { CAPABILITY_BITS, decodeMessage, encodeMessage, KIND, record, STATUS_BITS, type RecordDraft } from '../../src/protocol/index.ts';

const SOCKET = 'a2b2c2d2e2f4';
const msg = (seq: number, records: RecordDraft[], kind: number = KIND.REPORT) => decodeMessage(encodeMessage({ kind, boot: 1, seq, records }));

function setup(nowMs = 10_000) {
  const bus = new EventBus(silentLogger);
  const registry = new NodeRegistry({ rooms: new Map([[SOCKET, 'Hall']]), log: silentLogger });
  const store = new NodeStore({ registry, bus, now: () => nowMs });
  store.start();
  const changed: string[] = [];
  bus.on('nodeChanged', (e) => changed.push(e.mac));
  return { bus, registry, store, changed };
}

const command = (id: number, status: CommandView['status'], state: 'on' | 'off' = 'on'): CommandView => ({
  id, mac: SOCKET, room: 'Hall', channel: 2, action: { type: 'relay', channel: 2, state }, requested: { type: 'relay', channel: 2, state },
  source: 'api', status, createdMs: 1, updatedMs: 1, history: [],
});

test('node store: a socket as the API shows it: formatted MAC, capability names, channels in order with the confirmed relay', (t) => {
  const { registry, store } = setup();
  const caps = CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING;
  registry.accept(SOCKET, -50, msg(0, [record('firmware', 'socket-1.0'), record('capabilities', caps), record('interval', 60)], KIND.HELLO), 9_000);
  registry.accept(SOCKET, -50, msg(1, [record('channel', 3), record('relay', 0), record('channel', 2), record('power', 1234), record('relay', 1)]), 9_500);
  const view = store.get('A2-B2-C2-D2-E2-F4');
  t.like(view, { mac: 'a2:b2:c2:d2:e2:f4', room: 'Hall', firmware: 'socket-1.0', intervalS: 60, health: { silent: false, batteryLow: false, tripped: false } });
  t.deepEqual(view?.capabilityNames, ['powerMeter', 'relay', 'listening']);
  t.deepEqual(view?.channels.map((c) => [c.channel, c.relay, c.power]), [[2, true, 123.4], [3, false, undefined]]);
  t.is(store.commandInfo(SOCKET)?.relay(2), true);
  t.deepEqual(store.commandInfo(SOCKET)?.channels, [2, 3]);
  t.is(store.get('not a mac'), undefined);
});

test('node store: a channel shows its open command until a final status, and a superseded one does not clear the newer', (t) => {
  const { bus, registry, store, changed } = setup();
  registry.accept(SOCKET, -50, msg(1, [record('channel', 2), record('relay', 0)]), 9_500);
  bus.emit('commandChanged', command(7, 'sent'));
  t.deepEqual(store.get(SOCKET)?.channels[0].pendingCommand, { id: 7, status: 'sent', state: 'on' });
  bus.emit('commandChanged', command(8, 'accepted', 'off'));
  bus.emit('commandChanged', command(7, 'superseded'));
  t.like(store.get(SOCKET)?.channels[0].pendingCommand, { id: 8 });
  bus.emit('commandChanged', command(8, 'ok', 'off'));
  t.is(store.get(SOCKET)?.channels[0].pendingCommand, undefined);
  t.is(changed.length, 3, 'sent, accepted and ok changed the node; the superseded one did not');
});

const base: NodeState = { mac: SOCKET, room: 'Hall', firstSeenMs: 0, lastSeenMs: 0, latest: {}, channels: {}, counters: { messages: 1, duplicates: 0, lost: 0 } };
const healthCases: Array<[what: string, node: Partial<NodeState>, nowMs: number, expected: ReturnType<typeof nodeHealth>]> = [
  ['heard within 3 intervals', { intervalS: 60 }, 180_000, { silent: false, batteryLow: false, tripped: false }],
  ['more than 3 intervals without a message', { intervalS: 60 }, 180_001, { silent: true, batteryLow: false, tripped: false }],
  ['no interval known: 300 s assumed', {}, 900_001, { silent: true, batteryLow: false, tripped: false }],
  ['the node flags a low battery', { status: STATUS_BITS.BATTERY_LOW, batteryV: 3.6 }, 0, { silent: false, batteryLow: true, tripped: false }],
  ['battery below 3.3 V without the flag', { batteryV: 3.29 }, 0, { silent: false, batteryLow: true, tripped: false }],
  ['status bit 6: a trip is active', { status: STATUS_BITS.TRIP_ACTIVE }, 0, { silent: false, batteryLow: false, tripped: true }],
  ['a channel reports a trip', { channels: { 2: { channel: 2, trip: 1, updatedMs: 0 } } }, 0, { silent: false, batteryLow: false, tripped: true }],
  ['a cleared trip (0)', { channels: { 2: { channel: 2, trip: 0, updatedMs: 0 } } }, 0, { silent: false, batteryLow: false, tripped: false }],
];
for (const [what, node, nowMs, expected] of healthCases) {
  test(`health: ${what}`, (t) => t.deepEqual(nodeHealth({ ...base, ...node }, nowMs), expected));
}
