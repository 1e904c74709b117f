import test from 'ava';
import { OutgoingQueue } from '../../../src/control/mqtt/outgoing-queue.ts';
import { StatePublisher } from '../../../src/control/mqtt/state-publisher.ts';
import { mqttTopics } from '../../../src/control/mqtt/topics.ts';
import { KIND, record } from '../../../src/protocol/index.ts';
import { nodesRig, SENSOR, SOCKET } from './mqtt-rig.ts';

function setup(withDiscovery = true) {
  const rig = nodesRig();
  const queue = new OutgoingQueue();
  const topics = mqttTopics('espnow-gateway');
  const publisher = new StatePublisher({
    topics, nodes: rig.nodes, queue,
    ...(withDiscovery ? { discovery: { prefix: 'homeassistant', topics, gateway: 'pi', origin: { name: 'espnow-gateway', sw_version: '0.1.0' } } } : {}),
  });
  const drain = () => { const out: string[] = []; for (let m = queue.take(); m; m = queue.take()) out.push(m.topic); return out; };
  return { rig, publisher, drain };
}

test('state publisher: all() queues the bridge, discovery first, then every node state and availability', (t) => {
  const { publisher, drain } = setup();
  publisher.all();
  const topics = drain();
  t.is(topics[0], 'espnow-gateway/bridge/state');
  t.is(topics.filter((x) => x.startsWith('homeassistant/')).length, 18);
  t.true(topics.indexOf(`homeassistant/switch/espnow_${SOCKET}/ch2_relay/config`) < topics.indexOf(`espnow-gateway/${SOCKET}/state`));
  t.true(topics.includes(`espnow-gateway/${SENSOR}/availability`));
});

test('state publisher: a new reading queues state only; a new kind of reading adds its discovery', (t) => {
  const { rig, publisher, drain } = setup();
  publisher.all();
  drain();
  rig.hear(SENSOR, [record('temperature', 2200)]);
  publisher.node(SENSOR);
  t.deepEqual(drain(), [`espnow-gateway/${SENSOR}/state`]);
  rig.hear(SOCKET, [record('channel', 2), record('power', 50)]);
  publisher.node(SOCKET);
  t.deepEqual(drain(), [`espnow-gateway/${SOCKET}/state`, `espnow-gateway/${SOCKET}/1/state`, `espnow-gateway/${SOCKET}/2/state`, `homeassistant/sensor/espnow_${SOCKET}/ch2_power/config`]);
});

test('state publisher: a room renamed sends the discovery of that node again (the device name changed)', (t) => {
  const { rig, publisher, drain } = setup();
  publisher.all();
  drain();
  rig.registry.setRooms(new Map([[SOCKET, 'Office'], [SENSOR, 'Pantry']]));
  publisher.node(SENSOR);
  t.is(drain().filter((x) => x.startsWith(`homeassistant/sensor/espnow_${SENSOR}/`)).length, 7);
});

test('state publisher: availability is queued only when it changes', (t) => {
  const { rig, publisher, drain } = setup(false);
  publisher.all();
  drain();
  publisher.checkAvailability();
  t.deepEqual(drain(), []);
  rig.clock.advance(181_000);
  publisher.checkAvailability();
  t.deepEqual(drain(), [`espnow-gateway/${SENSOR}/availability`, `espnow-gateway/${SOCKET}/availability`]);
});

test('state publisher: without discovery nothing goes under the prefix', (t) => {
  const { publisher, drain } = setup(false);
  publisher.all();
  publisher.discoveryAll();
  t.false(drain().some((x) => x.startsWith('homeassistant/')));
});

test('state publisher: a new firmware in a HELLO sends the node discovery again (model and version), a reading with the same kinds does not', (t) => {
  const { rig, publisher, drain } = setup();
  publisher.all();
  drain();
  rig.hear(SENSOR, [record('temperature', 2000), record('humidity', 5000)]);
  publisher.node(SENSOR);
  t.deepEqual(drain(), [`espnow-gateway/${SENSOR}/state`]);
  rig.hear(SENSOR, [record('firmware', 'node-1.1.0')], KIND.HELLO);
  publisher.node(SENSOR);
  t.is(drain().filter((x) => x.startsWith(`homeassistant/sensor/espnow_${SENSOR}/`)).length, 7);
});

test('state publisher: every status of a command is queued, even several in one turn (events are never replaced)', (t) => {
  const { rig, publisher, drain } = setup(false);
  const at = rig.clock.now;
  const base = { id: 9, mac: SOCKET, room: 'Office', channel: 1, action: { type: 'relay', channel: 1, state: 'on' }, requested: { type: 'relay', channel: 1, state: 'on' }, source: 'mqtt', createdMs: at, updatedMs: at, history: [] } as const;
  for (const status of ['accepted', 'sent', 'ok'] as const) publisher.command({ ...base, status });
  publisher.refusal({ topic: 'a', payload: 'x', code: 'BAD_PAYLOAD', reason: 'one', at: '' });
  publisher.refusal({ topic: 'b', payload: 'y', code: 'BAD_PAYLOAD', reason: 'two', at: '' });
  t.deepEqual(drain(), ['espnow-gateway/commands/9', 'espnow-gateway/commands/9', 'espnow-gateway/commands/9', 'espnow-gateway/commands/refused', 'espnow-gateway/commands/refused']);
});
