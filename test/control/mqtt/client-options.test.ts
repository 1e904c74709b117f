import test from 'ava';
import { clientOptions, describeMqttError, nextDelay } from '../../../src/control/mqtt/client-options.ts';
import type { MqttConfig } from '../../../src/control/mqtt/mqtt-config.ts';

const config: MqttConfig = { url: 'mqtt://broker.lan:1883', clientId: 'espnow-gateway-pi', baseTopic: 'espnow-gateway', stateIntervalMs: 1000, username: 'gw', password: 'pw' };
const delays = { minMs: 1000, maxMs: 60_000 };

test('client options: clean session, retained offline will, no offline queue, reconnect after a refused password, no packet-id Buffer table', (t) => {
  t.like(clientOptions(config, 'espnow-gateway/bridge/state', delays, 10_000), {
    clientId: 'espnow-gateway-pi', clean: true, queueQoSZero: false, reconnectOnConnackError: true, reconnectPeriod: 1000, connectTimeout: 10_000, writeCache: false,
    username: 'gw', password: 'pw', will: { topic: 'espnow-gateway/bridge/state', qos: 1, retain: true },
  });
});

test('client options: anonymous without a username', (t) => {
  const o = clientOptions({ ...config, username: undefined, password: undefined }, 'x', delays, 1);
  t.false('username' in o);
  t.false('password' in o);
});

const steps: Array<[number | undefined, number]> = [[undefined, 2000], [1000, 2000], [2000, 4000], [32_000, 60_000], [60_000, 60_000], [10, 1000]];
for (const [current, next] of steps) {
  test(`client options: after ${String(current)} ms the next reconnect waits ${next} ms`, (t) => t.is(nextDelay(current, delays), next));
}

const errors: Array<[unknown, string]> = [
  [5, 'the broker refused mqtt.username / mqtt.password (Connection refused: Not authorized)'],
  [4, 'the broker refused mqtt.username / mqtt.password'],
  [135, 'the broker refused mqtt.username / mqtt.password'],
  ['ECONNREFUSED', 'nothing listens at mqtt.url mqtt://broker.lan:1883'],
  ['ENOTFOUND', 'cannot resolve the host of mqtt.url mqtt://broker.lan:1883'],
  ['EPIPE', 'Connection refused: Not authorized (mqtt.url mqtt://broker.lan:1883)'],
];
for (const [code, text] of errors) {
  test(`client options: error ${String(code)} is described naming the key`, (t) => {
    t.true(describeMqttError(Object.assign(new Error('Connection refused: Not authorized'), { code }), config).startsWith(text));
  });
}
