import test from 'ava';
import { mqttTopics, parseSetTopic, type SetTarget } from '../../../src/control/mqtt/topics.ts';

const t = mqttTopics('espnow-gateway');

const published: Array<[string, string, string]> = [
  ['node state', t.nodeState('a2b2c2d2e2f2'), 'espnow-gateway/a2b2c2d2e2f2/state'],
  ['channel state', t.channelState('a2b2c2d2e2f2', 1), 'espnow-gateway/a2b2c2d2e2f2/1/state'],
  ['availability', t.availability('a2b2c2d2e2f2'), 'espnow-gateway/a2b2c2d2e2f2/availability'],
  ['bridge state', t.bridgeState, 'espnow-gateway/bridge/state'],
  ['relay set', t.relaySet('a2b2c2d2e2f2', 3), 'espnow-gateway/a2b2c2d2e2f2/3/relay/set'],
  ['interval set', t.intervalSet('a2b2c2d2e2f2'), 'espnow-gateway/a2b2c2d2e2f2/interval/set'],
  ['command status', t.command(42), 'espnow-gateway/commands/42'],
  ['refusals', t.commandRefused, 'espnow-gateway/commands/refused'],
];
for (const [name, actual, expected] of published) {
  test(`topics: ${name} is ${expected}`, (tt) => tt.is(actual, expected));
}

test('topics: the subscriptions cover the relay and interval set topics', (tt) => {
  tt.deepEqual(t.commandSubscriptions, ['espnow-gateway/+/+/relay/set', 'espnow-gateway/+/interval/set']);
});

test('topics: a base with levels is kept as written', (tt) => {
  tt.is(mqttTopics('house/espnow').nodeState('a2b2c2d2e2f2'), 'house/espnow/a2b2c2d2e2f2/state');
});

const sets: Array<[string, string, SetTarget | undefined]> = [
  ['relay of channel 1', 'espnow-gateway/a2b2c2d2e2f2/1/relay/set', { type: 'relay', mac: 'a2b2c2d2e2f2', channel: 1 }],
  ['relay of channel 0', 'espnow-gateway/a2b2c2d2e2f2/0/relay/set', { type: 'relay', mac: 'a2b2c2d2e2f2', channel: 0 }],
  ['upper-case MAC is lower-cased', 'espnow-gateway/A2B2C2D2E2F2/2/relay/set', { type: 'relay', mac: 'a2b2c2d2e2f2', channel: 2 }],
  ['interval', 'espnow-gateway/a2b2c2d2e2f2/interval/set', { type: 'interval', mac: 'a2b2c2d2e2f2' }],
  ['a MAC with colons is not ours', 'espnow-gateway/a2:b2:c2:d2:e2:f2/interval/set', undefined],
  ['a short MAC', 'espnow-gateway/a2b2c2/1/relay/set', undefined],
  ['a channel with a leading zero', 'espnow-gateway/a2b2c2d2e2f2/01/relay/set', undefined],
  ['a channel that is no number', 'espnow-gateway/a2b2c2d2e2f2/x/relay/set', undefined],
  ['a state topic', 'espnow-gateway/a2b2c2d2e2f2/1/state', undefined],
  ['another base', 'other/a2b2c2d2e2f2/1/relay/set', undefined],
  ['a base that only starts the same', 'espnow-gateway2/a2b2c2d2e2f2/1/relay/set', undefined],
  ['the bridge', 'espnow-gateway/bridge/state', undefined],
];
for (const [name, topic, expected] of sets) {
  test(`topics: set topic, ${name}`, (tt) => tt.deepEqual(parseSetTopic('espnow-gateway', topic), expected));
}
