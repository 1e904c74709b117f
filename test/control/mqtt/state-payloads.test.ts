import test from 'ava';
import { channelStatePayload, commandStatusPayload, nodeAvailability, nodeStatePayload, refusalPayload } from '../../../src/control/mqtt/state-payloads.ts';
import type { CommandView } from '../../../src/commands/types.ts';
import { record } from '../../../src/protocol/index.ts';
import { nodesRig, SENSOR, SOCKET } from './mqtt-rig.ts';

test('state: a node carries its readings, battery, RSSI, interval, last seen and health', (t) => {
  const rig = nodesRig();
  t.deepEqual(nodeStatePayload(rig.nodes.get(SENSOR)!), {
    mac: 'a2:b2:c2:d2:e2:f4', room: 'Kitchen', firmware: 'node-1.0.0', interval: 60,
    temperature: 21.5, humidity: 48.2, pressure: 1013.25, illuminance: 120, battery: 3.91, rssi: -61,
    last_seen: '2025-06-01T12:00:00.000Z', silent: false, battery_low: false, tripped: false,
  });
});

test('state: a reading never reported is absent, not 0', (t) => {
  const payload = nodeStatePayload(nodesRig().nodes.get(SOCKET)!);
  for (const key of ['temperature', 'humidity', 'pressure', 'illuminance', 'battery']) t.false(key in payload, key);
});

test('state: a channel carries power, energy and the relay the node confirmed', (t) => {
  const [ch1, ch2] = nodesRig().nodes.get(SOCKET)!.channels;
  t.deepEqual(channelStatePayload(ch1), { channel: 1, voltage: 230.1, current: 1.087, power: 250, energy: 1234, relay: 'ON', updated: '2025-06-01T12:00:00.000Z' });
  t.deepEqual(channelStatePayload(ch2), { channel: 2, relay: 'OFF', updated: '2025-06-01T12:00:00.000Z' });
});

test('state: the relay stays as confirmed while a command is open; the command is shown apart', (t) => {
  const rig = nodesRig();
  const at = rig.clock.now;
  rig.bus.emit('commandChanged', {
    id: 7, mac: SOCKET, room: 'Office', channel: 2, action: { type: 'relay', channel: 2, state: 'on' }, requested: { type: 'relay', channel: 2, state: 'on' },
    source: 'mqtt', status: 'sent', createdMs: at, updatedMs: at, history: [],
  });
  const payload = channelStatePayload(rig.nodes.get(SOCKET)!.channels[1]);
  t.is(payload.relay, 'OFF');
  t.deepEqual(payload.pending, { id: 7, status: 'sent', state: 'ON' });
});

test('state: a node is offline after 3 missed intervals, online again when heard', (t) => {
  const rig = nodesRig();
  t.is(nodeAvailability(rig.nodes.get(SENSOR)!), 'online');
  rig.clock.advance(180_000);
  t.is(nodeAvailability(rig.nodes.get(SENSOR)!), 'online');
  rig.clock.advance(1);
  t.is(nodeAvailability(rig.nodes.get(SENSOR)!), 'offline');
  rig.hear(SENSOR, [record('temperature', 2100)]);
  t.is(nodeAvailability(rig.nodes.get(SENSOR)!), 'online');
});

test('state: a command status without its history', (t) => {
  const view: CommandView = {
    id: 3, mac: SOCKET, room: 'Office', channel: 1, action: { type: 'relay', channel: 1, state: 'off' }, requested: { type: 'relay', channel: 1, state: 'toggle' },
    source: 'mqtt', status: 'accepted', reason: 'toggle: was on', createdMs: 0, updatedMs: 1000, history: [{ status: 'accepted', atMs: 0 }],
  };
  t.deepEqual(commandStatusPayload(view), {
    id: 3, mac: SOCKET, room: 'Office', channel: 1, action: { type: 'relay', channel: 1, state: 'off' }, requested: { type: 'relay', channel: 1, state: 'toggle' },
    source: 'mqtt', status: 'accepted', reason: 'toggle: was on', updated: '1970-01-01T00:00:01.000Z',
  });
});

test('state: a refusal names the topic, the code and the reason, the payload clipped', (t) => {
  const r = refusalPayload('espnow-gateway/x/1/relay/set', 'y'.repeat(100), 'BAD_PAYLOAD', 'no', 0);
  t.is(r.payload, `${'y'.repeat(64)}...`);
  t.like(r, { topic: 'espnow-gateway/x/1/relay/set', code: 'BAD_PAYLOAD', reason: 'no', at: '1970-01-01T00:00:00.000Z' });
});

test('state: the JSON keeps its key order (the retained payload is byte for byte what it was)', (t) => {
  const rig = nodesRig();
  t.is(JSON.stringify(nodeStatePayload(rig.nodes.get(SENSOR)!)),
    '{"mac":"a2:b2:c2:d2:e2:f4","room":"Kitchen","firmware":"node-1.0.0","interval":60,"temperature":21.5,"humidity":48.2,"pressure":1013.25,'
    + '"illuminance":120,"battery":3.91,"rssi":-61,"last_seen":"2025-06-01T12:00:00.000Z","silent":false,"battery_low":false,"tripped":false}');
  t.is(JSON.stringify(channelStatePayload(rig.nodes.get(SOCKET)!.channels[0])),
    '{"channel":1,"voltage":230.1,"current":1.087,"power":250,"energy":1234,"relay":"ON","updated":"2025-06-01T12:00:00.000Z"}');
});

test('state: timestamps are what toISOString gives, across seconds, before 1970 and for fractional ms', (t) => {
  const channel = nodesRig().nodes.get(SOCKET)!.channels[1];
  const stamps = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, -1, -999, -1000, -1001, 1.7, -1.7, 1_748_779_200_000, 1_748_779_200_999, 1_748_779_201_000, 1_748_779_200_500, 8.64e15];
  for (const ms of stamps) t.is(channelStatePayload({ ...channel, updatedMs: ms }).updated, new Date(ms).toISOString(), String(ms));
});
