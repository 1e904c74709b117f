import test from 'ava';
import { EventBus } from '../../src/bus/event-bus.ts';
import type { GatewayEvents } from '../../src/bus/events.ts';
import { Pipeline } from '../../src/gateway/pipeline.ts';
import { silentLogger } from '../../src/log.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { encodeBrokerEvent, encodeMessage, KIND, record } from '../../src/protocol/index.ts';

const SOCKET = 'a2b2c2d2e2f4';
const NOW = 1_700_000_000_000;

function setup() {
  const bus = new EventBus(silentLogger);
  const events: Array<[keyof GatewayEvents, unknown]> = [];
  for (const kind of ['reading', 'nodeChanged', 'broker'] as const) bus.on(kind, (e) => events.push([kind, e]));
  const registry = new NodeRegistry({ rooms: new Map([[SOCKET, 'Hall']]), log: silentLogger });
  const pipeline = new Pipeline({ gateway: 'gw', registry, submit: () => undefined, now: () => NOW, log: silentLogger, bus });
  return { pipeline, events };
}

const rx = (seq: number, kind: number, records: ReturnType<typeof record>[]) =>
  encodeBrokerEvent({ type: 'rx', mac: SOCKET, rssi: -52, payload: encodeMessage({ kind, boot: 4, seq, records }) });

test('pipeline events: an accepted RESULT is published once as a reading in display units, then as a node change; its duplicate is not', (t) => {
  const { pipeline, events } = setup();
  const line = rx(31, KIND.RESULT, [record('commandId', 7), record('outcome', 0), record('channel', 2), record('relay', 1)]);
  pipeline.handleLine(line);
  pipeline.handleLine(line);
  t.is(events.length, 2);
  t.like(events[0], ['reading', { mac: SOCKET, room: 'Hall', kind: 'RESULT', atMs: NOW, rssi: -52, values: { commandId: 7, outcome: 0 } }]);
  t.deepEqual((events[0][1] as GatewayEvents['reading']).channels, [{ channel: 2, relay: true }]);
  t.deepEqual(events[1], ['nodeChanged', { mac: SOCKET }]);
});

test('pipeline events: HB, BOOT and TXR lines are published as broker events', (t) => {
  const { pipeline, events } = setup();
  pipeline.handleLine(encodeBrokerEvent({ type: 'boot', firmware: 'broker-1.0', brokerMac: 'a0b0c0d0e0f0', channel: 1 }));
  pipeline.handleLine(encodeBrokerEvent({ type: 'hb', uptimeS: 10, rx: 1, rxDropped: 0, tx: 0, txFailed: 0, queued: 2 }));
  pipeline.handleLine(encodeBrokerEvent({ type: 'txr', id: 7, status: 'sent' }));
  t.deepEqual(events, [
    ['broker', { type: 'boot', atMs: NOW, firmware: 'broker-1.0', brokerMac: 'a0b0c0d0e0f0' }],
    ['broker', { type: 'hb', atMs: NOW, uptimeS: 10, queued: 2 }],
    ['broker', { type: 'txr', atMs: NOW, id: 7, status: 'sent' }],
  ]);
});
