import test from 'ava';
import { createRequire } from 'node:module';
import { record } from '../../../src/protocol/index.ts';
import { LEVEL } from '../../helpers/recording-log.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { checkDiscovery } from './ha-discovery-rules.ts';
import { refused, SENSOR, SOCKET } from './mqtt-rig.ts';
import { observe, type Observer, type Received } from './observer.ts';
import { BASE, startRig } from './service-rig.ts';

const BRIDGE = `${BASE}/bridge/state`;
/** The gateway's device (1), the sensor's entities (8) and the socket's (9). */
const DISCOVERY_COUNT = 18;

/** Retained state topics the observer got, as JSON, for the discovery checker. */
function statesOf(ob: Observer): Map<string, Record<string, unknown>> {
  const states = new Map<string, Record<string, unknown>>();
  for (const m of ob.messages) if (m.topic.startsWith(`${BASE}/`) && m.topic.endsWith('/state') && m.text.startsWith('{')) states.set(m.topic, JSON.parse(m.text) as Record<string, unknown>);
  return states;
}

/** mqtt-packet's table of packet-id Buffers, as the mqtt.js this process loaded sees it (65,536 entries, about 6.3 MB, once built). */
const packetIdTable = (): object => (createRequire(createRequire(import.meta.url).resolve('mqtt'))('mqtt-packet/numbers') as { cache: object }).cache;

const discoveryIn = (messages: Received[]): Received[] => messages.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
/** Every discovery message once there are all of them, else undefined (for `until`). */
const allDiscovery = (messages: Received[]): Received[] | undefined => {
  const found = discoveryIn(messages);
  return found.length >= DISCOVERY_COUNT ? found : undefined;
};

test('mqtt: discovery, state and availability are retained on the broker, and Home Assistant would take every discovery payload', async (t) => {
  const rig = await startRig(t);
  // A client that connects later (Home Assistant after a restart) gets everything from the broker's retained store.
  await waitFor(() => rig.recorded.find('MQTT connected').length > 0, 5000, 'connected log');
  const first = await rig.watch();
  await first.until((ms) => ms.some((m) => m.topic.endsWith('/ch2_relay/config')), 'socket discovery');
  await first.end();
  const ob = await rig.watch();
  const discovery = await ob.until(allDiscovery, 'every discovery message retained');
  t.true(discovery.every((m) => m.retain));
  await ob.until((ms) => ms.some((m) => m.topic === `${BASE}/${SOCKET}/2/state`), 'socket state');
  t.deepEqual(checkDiscovery(discovery.map((m) => ({ topic: m.topic, payload: JSON.parse(m.text) })), { prefix: 'homeassistant', base: BASE, states: statesOf(ob) }), []);
  t.deepEqual(ob.last(BRIDGE), { topic: BRIDGE, text: 'online', retain: true });
  t.deepEqual(ob.last(`${BASE}/${SENSOR}/availability`), { topic: `${BASE}/${SENSOR}/availability`, text: 'online', retain: true });
  t.like(ob.json(`${BASE}/${SENSOR}/state`), { room: 'Kitchen', temperature: 21.5, battery: 3.91, rssi: -61 });
  t.like(ob.json(`${BASE}/${SOCKET}/1/state`), { relay: 'ON', power: 250, energy: 1234 });
  // QoS 1 packets with ids went out, and mqtt-packet never built its table for them (the client's writeCache: false).
  t.is(Object.keys(packetIdTable()).length, 0);
});

test('mqtt: a REPORT on the bus updates the node and channel state topics', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  rig.nodes.hear(SENSOR, [record('temperature', 2304), record('humidity', 5000)]);
  rig.nodes.hear(SOCKET, [record('channel', 1), record('power', 1200), record('energy', 1300)]);
  await ob.until(() => ob.json(`${BASE}/${SENSOR}/state`)?.temperature === 23.04, 'new temperature');
  await ob.until(() => ob.json(`${BASE}/${SOCKET}/1/state`)?.energy === 1300, 'new energy');
  t.like(ob.json(`${BASE}/${SOCKET}/1/state`), { power: 120, relay: 'ON' });
});

test('mqtt: ON on a relay set topic submits a command with source mqtt, and its status is published, not retained', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.publish(`${BASE}/${SOCKET}/2/relay/set`, 'ON');
  await ob.publish(`${BASE}/${SENSOR}/interval/set`, '120');
  const status = await ob.until(() => ob.last(`${BASE}/commands/2`), 'second command status');
  t.deepEqual(rig.commands.submitted, [
    { mac: SOCKET, request: { type: 'relay', channel: 2, state: 'on' }, source: 'mqtt' },
    { mac: SENSOR, request: { type: 'interval', intervalS: 120 }, source: 'mqtt' },
  ]);
  t.like(ob.json(`${BASE}/commands/1`), { id: 1, status: 'accepted', source: 'mqtt', channel: 2, action: { type: 'relay', state: 'on' } });
  t.false(status.retain);
});

test('mqtt: a refused command and a bad payload are published on commands/refused with the reason', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.publish(`${BASE}/${SOCKET}/1/relay/set`, 'MAYBE');
  await ob.until(() => ob.json(`${BASE}/commands/refused`)?.code === 'BAD_PAYLOAD', 'bad payload refusal');
  rig.commands.refuse = refused('BROKER_SILENT', 'the broker has not been heard for 45 s');
  await ob.publish(`${BASE}/${SOCKET}/1/relay/set`, 'OFF');
  await ob.until(() => ob.json(`${BASE}/commands/refused`)?.code === 'BROKER_SILENT', 'queue refusal');
  t.like(ob.json(`${BASE}/commands/refused`), { topic: `${BASE}/${SOCKET}/1/relay/set`, payload: 'OFF', reason: 'the broker has not been heard for 45 s' });
  t.is(rig.commands.submitted.length, 1);
});

test('mqtt: a retained ON published before the gateway starts is never obeyed', async (t) => {
  let watcher: Observer | undefined;
  const rig = await startRig(t, {
    before: async (broker) => {
      const stale = await observe(broker.url, []);
      await stale.publish(`${BASE}/${SOCKET}/1/relay/set`, 'ON', true);
      await stale.end();
      watcher = await observe(broker.url, [`${BASE}/commands/#`]);
      t.teardown(() => watcher?.end());
    },
  });
  const ob = watcher!;
  const refusal = await ob.until(() => ob.json(`${BASE}/commands/refused`), 'retained refusal');
  t.is(refusal.code, 'RETAINED');
  t.regex(String(refusal.reason), /mosquitto_pub -r -n -t/);
  t.deepEqual(rig.commands.submitted, []);
  t.is(rig.recorded.find('refused', LEVEL.warn).length, 1);
});

test('mqtt: Home Assistant announcing itself (homeassistant/status online) gets every discovery message again', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.until(allDiscovery, 'retained discovery');
  ob.messages.length = 0;
  await ob.publish('homeassistant/status', 'online');
  const again = await ob.until(allDiscovery, 'discovery re-sent');
  t.true(again.every((m) => !m.retain), 'delivered live, as to a subscriber already there');
  await ob.publish('homeassistant/status', 'offline');
  t.is(rig.recorded.find('Home Assistant is online').length, 1);
});

test('mqtt: mosquitto restarted mid-test: the gateway keeps running, reconnects and publishes the retained state again', async (t) => {
  const rig = await startRig(t);
  await rig.broker.kill();
  await waitFor(() => rig.service.mqttClient?.connected === false, 5000, 'disconnect seen');
  // The pipeline keeps publishing on the bus while the broker is away; nothing blocks or throws.
  const started = performance.now();
  for (let i = 0; i < 1000; i += 1) rig.nodes.hear(SOCKET, [record('channel', 1), record('power', i)]);
  rig.nodes.hear(SENSOR, [record('temperature', 1999)]);
  t.log(`1001 messages on the bus with the broker away: ${(performance.now() - started).toFixed(1)} ms`);
  t.is(rig.service.queued, 0);
  t.is(rig.service.dropped, 0);
  await rig.broker.restart();
  await waitFor(() => rig.service.mqttClient?.connected, 5000, 'reconnected');
  const ob = await rig.watch();
  await ob.until(() => ob.json(`${BASE}/${SENSOR}/state`)?.temperature === 19.99, 'state published again (the broker kept nothing)');
  await ob.until(allDiscovery, 'discovery published again');
  t.is(ob.last(BRIDGE)?.text, 'online');
  t.true(rig.recorded.find('connection lost', LEVEL.warn).length >= 1);
});

test('mqtt: the last will says offline when the connection is cut, and online comes back on reconnect', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.until(() => ob.last(BRIDGE)?.text === 'online', 'online');
  ob.messages.length = 0;
  rig.service.mqttClient!.stream.destroy();
  await ob.until(() => ob.messages.some((m) => m.topic === BRIDGE && m.text === 'offline'), 'last will');
  await ob.until(() => ob.last(BRIDGE)?.text === 'online', 'online again');
  t.deepEqual(ob.messages.filter((m) => m.topic === BRIDGE).map((m) => m.text), ['offline', 'online']);
});

test('mqtt: a node silent for 3 intervals goes offline on the 10 s check, and online when heard', async (t) => {
  const rig = await startRig(t, { manualTimers: true });
  const ob = await rig.watch();
  const topic = `${BASE}/${SENSOR}/availability`;
  await ob.until(() => ob.last(topic)?.text === 'online', 'online');
  rig.nodes.hear(SOCKET, [record('channel', 1), record('power', 10)]);
  rig.nodes.clock.advance(170_000);
  rig.nodes.hear(SOCKET, [record('channel', 1), record('power', 10)]);
  rig.nodes.clock.advance(20_000); // the sensor (60 s) is past 180 s; the socket (30 s) spoke 20 s ago
  await ob.until(() => ob.last(topic)?.text === 'offline', 'offline');
  t.is(ob.last(`${BASE}/${SOCKET}/availability`)?.text, 'online');
  rig.nodes.hear(SENSOR, [record('temperature', 2000)]);
  await ob.until(() => ob.last(topic)?.text === 'online', 'online again');
  t.deepEqual(ob.messages.filter((m) => m.topic === topic).map((m) => m.text), ['online', 'offline', 'online']);
});

test('mqtt: stop() leaves offline retained and disconnects cleanly', async (t) => {
  const rig = await startRig(t);
  const started = Date.now();
  await rig.service.stop();
  t.true(Date.now() - started < 1000);
  const ob = await rig.watch();
  await ob.until(() => ob.last(BRIDGE), 'bridge state');
  t.deepEqual(ob.last(BRIDGE), { topic: BRIDGE, text: 'offline', retain: true });
});

test('mqtt: with a password file on the broker: the right password connects, a wrong one names the keys and the gateway runs on', async (t) => {
  const users = { gateway: 'c0rrect', ha: 'h4' };
  const good = await startRig(t, { users, config: { username: 'gateway', password: 'c0rrect' } });
  const ob = await good.watch({ username: 'ha', password: 'h4' });
  await ob.until(() => ob.last(BRIDGE)?.text === 'online', 'online with a password');
  const bad = await startRig(t, { users, config: { username: 'gateway', password: 'wrong' }, noWait: true });
  await waitFor(() => bad.recorded.find('mqtt.username / mqtt.password', LEVEL.error).length > 0, 5000, 'auth error logged');
  await waitFor(() => bad.recorded.entries.length > 0 && bad.service.mqttClient?.reconnecting, 5000, 'still retrying');
  t.is(bad.recorded.find('mqtt.username / mqtt.password', LEVEL.error).length, 1, 'logged once per episode');
});

test('mqtt: stop() with the broker away returns at once', async (t) => {
  const rig = await startRig(t);
  await rig.broker.kill();
  await waitFor(() => rig.service.mqttClient?.connected === false, 5000, 'disconnect seen');
  const started = Date.now();
  await rig.service.stop();
  t.true(Date.now() - started < 500, `${Date.now() - started} ms`);
  t.is(rig.service.mqttClient, undefined);
});

test('mqtt: without mqtt.homeAssistant nothing is published under the discovery prefix, state still is', async (t) => {
  const rig = await startRig(t, { config: { homeAssistant: undefined } });
  const ob = await rig.watch();
  await ob.until(() => ob.last(`${BASE}/${SOCKET}/2/state`), 'socket state');
  await ob.publish('homeassistant/status', 'online');
  await ob.publish(`${BASE}/${SOCKET}/2/relay/set`, 'TOGGLE');
  await ob.until(() => ob.last(`${BASE}/commands/1`), 'command status');
  t.deepEqual(discoveryIn(ob.messages), []);
  t.like(rig.commands.submitted[0], { request: { type: 'relay', channel: 2, state: 'toggle' }, source: 'mqtt' });
});

test('mqtt: more state topics at once than the outgoing queue holds: the drop is counted and logged on the next check, the gateway runs on', async (t) => {
  // 3 slots against the bridge state, 18 discovery messages and the nodes' state and availability on connect.
  const rig = await startRig(t, { manualTimers: true, tuning: { maxQueued: 3 } });
  await waitFor(() => rig.service.dropped > 0, 5000, 'state dropped');
  t.true(rig.recorded.find('outgoing queue holds', LEVEL.warn).length === 0);
  rig.nodes.clock.advance(10_000);
  await waitFor(() => rig.recorded.find('outgoing queue holds', LEVEL.warn).length === 1, 5000, 'the warning');
  const [line] = rig.recorded.find('outgoing queue holds', LEVEL.warn);
  t.is(line.maxQueued, 3);
  t.true((line.droppedState as number) > 0);
  // Said once per increase, not on every check.
  rig.nodes.clock.advance(10_000);
  rig.nodes.clock.advance(10_000);
  t.is(rig.recorded.find('outgoing queue holds', LEVEL.warn).length, 1);
});
