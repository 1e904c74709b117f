import test from 'ava';
import { bridgeDiscovery, firmwareParts, nodeDiscovery, type DiscoveryContext, type DiscoveryMessage } from '../../../src/control/mqtt/discovery.ts';
import { channelStatePayload, nodeStatePayload } from '../../../src/control/mqtt/state-payloads.ts';
import { mqttTopics } from '../../../src/control/mqtt/topics.ts';
import type { NodeView } from '../../../src/nodes/node-store.ts';
import { record } from '../../../src/protocol/index.ts';
import { checkDiscovery } from './ha-discovery-rules.ts';
import { nodesRig, SENSOR, SOCKET, STRANGER } from './mqtt-rig.ts';

const topics = mqttTopics('espnow-gateway');
const ctx: DiscoveryContext = {
  prefix: 'homeassistant', topics, gateway: 'pi-cupboard',
  origin: { name: 'espnow-gateway', sw_version: '0.1.0', support_url: 'https://example.org/espnow-gateway' },
};

function world(): { nodes: NodeView[]; messages: DiscoveryMessage[]; states: Map<string, Record<string, unknown>> } {
  const rig = nodesRig();
  rig.hear(STRANGER, [record('temperature', 1900)]);
  const nodes = rig.nodes.list();
  const states = new Map<string, Record<string, unknown>>();
  for (const n of nodes) {
    const mac = n.mac.replace(/:/g, '');
    states.set(topics.nodeState(mac), { ...nodeStatePayload(n) });
    for (const c of n.channels) states.set(topics.channelState(mac, c.channel), { ...channelStatePayload(c) });
  }
  return { nodes, messages: [...bridgeDiscovery(ctx), ...nodes.flatMap((n) => nodeDiscovery(n, ctx))], states };
}

const byId = (messages: DiscoveryMessage[], uniqueId: string) => messages.find((m) => m.payload.unique_id === uniqueId)?.payload;

test('discovery: every payload is what Home Assistant requires (unique ids, device, origin, topics, classes, units)', (t) => {
  const { messages, states } = world();
  t.true(messages.length > 20);
  t.deepEqual(checkDiscovery(messages, { prefix: 'homeassistant', base: 'espnow-gateway', states }), []);
});

const entities: Array<[string, string, string[]]> = [
  ['the sensor', SENSOR, ['temperature', 'humidity', 'pressure', 'illuminance', 'battery', 'rssi', 'last_seen', 'interval']],
  ['the socket', SOCKET, ['rssi', 'last_seen', 'interval', 'ch1_voltage', 'ch1_current', 'ch1_power', 'ch1_energy', 'ch1_relay', 'ch2_relay']],
  ['the stranger (no HELLO)', STRANGER, ['temperature', 'rssi', 'last_seen']],
];
for (const [name, mac, ids] of entities) {
  test(`discovery: ${name} has an entity for each thing it reported, and no other`, (t) => {
    const { messages } = world();
    const mine = messages.filter((m) => m.topic.includes(`/espnow_${mac}/`)).map((m) => m.topic.split('/')[3]);
    t.deepEqual(mine, ids);
  });
}

const sensors: Array<[string, Record<string, unknown>]> = [
  [`espnow_${SENSOR}_temperature`, { device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement', state_topic: `espnow-gateway/${SENSOR}/state` }],
  [`espnow_${SENSOR}_humidity`, { device_class: 'humidity', unit_of_measurement: '%', state_class: 'measurement' }],
  [`espnow_${SENSOR}_pressure`, { device_class: 'pressure', unit_of_measurement: 'hPa', state_class: 'measurement' }],
  [`espnow_${SENSOR}_illuminance`, { device_class: 'illuminance', unit_of_measurement: 'lx', state_class: 'measurement' }],
  [`espnow_${SENSOR}_battery`, { device_class: 'voltage', unit_of_measurement: 'V', state_class: 'measurement', entity_category: 'diagnostic' }],
  [`espnow_${SENSOR}_rssi`, { device_class: 'signal_strength', unit_of_measurement: 'dBm', entity_category: 'diagnostic' }],
  [`espnow_${SENSOR}_last_seen`, { device_class: 'timestamp', entity_category: 'diagnostic' }],
  [`espnow_${SENSOR}_interval`, { command_topic: `espnow-gateway/${SENSOR}/interval/set`, unit_of_measurement: 's', min: 1, max: 65535, entity_category: 'config' }],
  [`espnow_${SOCKET}_ch1_voltage`, { device_class: 'voltage', unit_of_measurement: 'V', state_topic: `espnow-gateway/${SOCKET}/1/state` }],
  [`espnow_${SOCKET}_ch1_current`, { device_class: 'current', unit_of_measurement: 'A', state_class: 'measurement' }],
  [`espnow_${SOCKET}_ch1_power`, { device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' }],
  [`espnow_${SOCKET}_ch1_energy`, { device_class: 'energy', unit_of_measurement: 'Wh', state_class: 'total_increasing', value_template: "{{ value_json.energy if 'energy' in value_json else '' }}" }],
  [`espnow_${SOCKET}_ch2_relay`, { command_topic: `espnow-gateway/${SOCKET}/2/relay/set`, state_topic: `espnow-gateway/${SOCKET}/2/state`, payload_on: 'ON', payload_off: 'OFF' }],
];
for (const [id, expected] of sensors) {
  test(`discovery: ${id} says ${Object.entries(expected).map(([k, v]) => `${k} ${String(v)}`).join(', ').slice(0, 120)}`, (t) => {
    const payload = byId(world().messages, id);
    t.like(payload, expected);
  });
}

test('discovery: one device per node, named after its room, model and version from the firmware, via the gateway', (t) => {
  const { messages } = world();
  const device = byId(messages, `espnow_${SOCKET}_ch1_relay`)?.device;
  t.deepEqual(device, {
    identifiers: [`espnow_${SOCKET}`], name: 'Office', manufacturer: 'espnow-gateway', model: 'socket', sw_version: '1.0.0',
    serial_number: 'a2:b2:c2:d2:e2:f3', suggested_area: 'Office', via_device: 'espnow_gateway_pi-cupboard',
  });
  const stranger = byId(messages, `espnow_${STRANGER}_temperature`)?.device as Record<string, unknown>;
  t.is(stranger.name, 'ESP-NOW node a2:b2:c2:d2:e2:f9');
  t.false('suggested_area' in stranger);
  t.false('model' in stranger);
});

test('discovery: entities are available only while the bridge and the node are both online', (t) => {
  t.like(byId(world().messages, `espnow_${SENSOR}_temperature`), {
    availability_mode: 'all',
    availability: [
      { topic: 'espnow-gateway/bridge/state', payload_available: 'online', payload_not_available: 'offline' },
      { topic: `espnow-gateway/${SENSOR}/availability`, payload_available: 'online', payload_not_available: 'offline' },
    ],
  });
});

test('discovery: the gateway is a device with its connection state, and the origin names the gateway', (t) => {
  const [bridge] = bridgeDiscovery(ctx);
  t.is(bridge.topic, 'homeassistant/binary_sensor/espnow_gateway_pi-cupboard/connection_state/config');
  t.like(bridge.payload, { state_topic: 'espnow-gateway/bridge/state', payload_on: 'online', payload_off: 'offline', device_class: 'connectivity' });
  t.deepEqual(bridge.payload.origin, { name: 'espnow-gateway', sw_version: '0.1.0', support_url: 'https://example.org/espnow-gateway' });
});

test('discovery: no energy entity and no energy value before the node reported its counter (never a placeholder 0)', (t) => {
  const rig = nodesRig();
  const fresh = 'a2b2c2d2e2fa';
  rig.hear(fresh, [record('channel', 1), record('relay', 1), record('power', 100)]);
  const node = rig.nodes.get(fresh)!;
  t.false(nodeDiscovery(node, ctx).some((m) => m.topic.endsWith('_energy/config')));
  t.false('energy' in channelStatePayload(node.channels[0]));
  rig.hear(fresh, [record('channel', 1), record('energy', 0)]);
  const later = rig.nodes.get(fresh)!;
  t.true(nodeDiscovery(later, ctx).some((m) => m.topic.endsWith('ch1_energy/config')));
  t.is(channelStatePayload(later.channels[0]).energy, 0);
});

const broken: Array<[string, (m: DiscoveryMessage[]) => DiscoveryMessage[], RegExp]> = [
  ['a unique_id used twice', (m) => [...m, m[3]], /unique_id .* also used by/],
  ['no device block', (m) => m.map((x, i) => (i === 2 ? { ...x, payload: { ...x.payload, device: undefined } } : x)), /no device block/],
  ['no origin', (m) => m.map((x, i) => (i === 2 ? { ...x, payload: { ...x.payload, origin: undefined } } : x)), /no origin/],
  ['temperature in hPa', (m) => m.map((x) => (x.topic.endsWith('/temperature/config') ? { ...x, payload: { ...x.payload, unit_of_measurement: 'hPa' } } : x)), /unit hPa is not one of/],
  ['energy as a measurement', (m) => m.map((x) => (x.topic.endsWith('_energy/config') ? { ...x, payload: { ...x.payload, state_class: 'measurement' } } : x)), /state_class measurement not allowed for device_class energy/],
  ['a switch without command_topic', (m) => m.map((x) => (x.topic.startsWith('homeassistant/switch/') ? { ...x, payload: { ...x.payload, command_topic: undefined } } : x)), /switch needs a command_topic/],
  ['a switch reading another channel', (m) => m.map((x) => (x.topic.endsWith('ch2_relay/config') ? { ...x, payload: { ...x.payload, state_topic: `espnow-gateway/${SOCKET}/1/state` } } : x)), /reads another channel/],
  ['a template reading a key the state lacks', (m) => m.map((x) => (x.topic.endsWith('/humidity/config') ? { ...x, payload: { ...x.payload, value_template: '{{ value_json.dew_point }}' } } : x)), /reads dew_point/],
  ['a via_device nobody announced', (m) => m.slice(1), /via_device espnow_gateway_pi-cupboard is no announced device/],
  ['an object id with a colon', (m) => [...m, { ...m[1], topic: 'homeassistant/sensor/espnow_a2:b2/x/config', payload: { ...m[1].payload, unique_id: 'other' } }], /\[a-zA-Z0-9_-\]/],
];
for (const [name, breakIt, problem] of broken) {
  test(`discovery rules: the checker finds ${name}`, (t) => {
    const { messages, states } = world();
    const problems = checkDiscovery(breakIt(messages), { prefix: 'homeassistant', base: 'espnow-gateway', states });
    t.true(problems.some((p) => problem.test(p)), problems.join('\n'));
  });
}

const firmware: Array<[string | undefined, { model?: string; version?: string }]> = [
  ['socket-1.0.0', { model: 'socket', version: '1.0.0' }],
  ['node-1.2.3', { model: 'node', version: '1.2.3' }],
  ['demo-strip 1.0.0', { model: 'demo-strip', version: '1.0.0' }],
  ['panel v2.1', { model: 'panel', version: '2.1' }],
  ['custom', { model: 'custom' }],
  [undefined, {}],
];
for (const [text, parts] of firmware) {
  test(`discovery: firmware ${String(text)} is model ${String(parts.model)} version ${String(parts.version)}`, (t) => t.deepEqual(firmwareParts(text), parts));
}
