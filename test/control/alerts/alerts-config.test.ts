import test from 'ava';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';
import { parseDuration } from '../../../src/control/alerts/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const FILE = '/etc/espnow-gateway/gateway.yaml';
const base = (dir: string) => `serial: { path: /dev/ttyACM0 }\ngateway: pi\ndataDir: ${dir}/data\n`;

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir('alerts-config');
  try {
    return await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

const durations: Array<[string, number | undefined]> = [['30s', 30_000], ['5m', 300_000], ['1h30m', 5_400_000], ['0s', 0], ['250ms', 250], ['5', undefined], ['5 m', undefined], ['m', undefined], ['', undefined]];
for (const [text, ms] of durations) test(`alerts config: duration "${text}" is ${ms ?? 'refused'}`, (t) => t.is(parseDuration(text), ms));

test('alerts config: no section, no rules', async (t) => {
  await withDir(async (dir) => t.is((await parseConfig(base(dir), FILE)).alerts, undefined));
});

test('alerts config: one rule of each kind completes with defaults, MACs normalised and durations in ms', async (t) => {
  const yaml = `alerts:
  webhook: { url: "http://127.0.0.1:9/hook" }
  rules:
    - { name: heater, measurement: power, field: power, room: kitchen, above: 2000, for: 5m, notify: [log, webhook], action: { relay: { state: off } } }
    - { name: damp, measurement: environment, field: humidity, node: "AA:BB:CC:DD:EE:01", above: 70, for: 10m }
    - { name: gone, node: "*", health: silent, notify: [mqtt] }
    - { name: kitchen-battery, node: kitchen, health: batteryLow }
    - { name: lossy, lostShareAbove: 0.1, for: 1h }
    - { name: influx, gateway: influxUnreachable, for: 10m }
    - { name: spool, gateway: spoolAbove, above: 80 }
    - { name: broker, gateway: brokerSilent, after: 2m, action: { relay: { node: aabbccddee02, channel: 1, state: off } } }
`;
  await withDir(async (dir) => {
    const alerts = (await parseConfig(base(dir) + yaml, FILE)).alerts!;
    t.deepEqual(alerts.webhook, { url: 'http://127.0.0.1:9/hook', maxAttempts: 8, queueSize: 100, timeoutMs: 5000 });
    t.deepEqual(alerts.rules.map((r) => [r.name, r.condition, r.forMs, r.notify, r.action]), [
      ['heater', { kind: 'field', measurement: 'power', field: 'power', nodes: { room: 'kitchen' }, above: 2000 }, 300_000, ['log', 'webhook'], { relay: { state: 'off' } }],
      ['damp', { kind: 'field', measurement: 'environment', field: 'humidity', nodes: { mac: 'aabbccddee01' }, above: 70 }, 600_000, ['log', 'panel'], undefined],
      ['gone', { kind: 'health', nodes: {}, health: 'silent' }, 0, ['mqtt'], undefined],
      ['kitchen-battery', { kind: 'health', nodes: { room: 'kitchen' }, health: 'batteryLow' }, 0, ['log', 'panel'], undefined],
      ['lossy', { kind: 'lostShare', nodes: {}, above: 0.1 }, 3_600_000, ['log', 'panel'], undefined],
      ['influx', { kind: 'gateway', gateway: 'influxUnreachable' }, 600_000, ['log', 'panel'], undefined],
      ['spool', { kind: 'gateway', gateway: 'spoolAbove', above: 80 }, 0, ['log', 'panel'], undefined],
      ['broker', { kind: 'gateway', gateway: 'brokerSilent', afterMs: 120_000 }, 0, ['log', 'panel'], { relay: { mac: 'aabbccddee02', channel: 1, state: 'off' } }],
    ]);
  });
});

const bad: Array<[string, string, string[]]> = [
  ['a duration without a unit', '- { name: a, health: silent }\n    - { name: b, health: silent }\n    - { name: c, health: tripped, for: "5" }',
    ['alerts.rules[2].for: not a duration (e.g. 30s, 5m, 1h)']],
  ['two conditions in one rule', '- { name: a, health: silent, gateway: brokerSilent }',
    ['alerts.rules[0]: give one condition: health, lostShareAbove, measurement with field, or gateway']],
  ['no condition', '- { name: a, for: 1m }', ['alerts.rules[0]: give one condition: health, lostShareAbove, measurement with field, or gateway']],
  ['a field without a measurement, and no threshold', '- { name: a, field: power }',
    ['alerts.rules[0].measurement: required with field', 'alerts.rules[0].above: a field condition needs above or below (or both)']],
  ['a name used twice', '- { name: a, health: silent }\n    - { name: a, health: tripped }', ['alerts.rules[1].name: "a" names another rule too']],
  ['a webhook without alerts.webhook', '- { name: a, health: silent, notify: [webhook] }', ['alerts.rules[0].notify: webhook needs alerts.webhook.url']],
  ['an unknown notify target', '- { name: a, health: silent, notify: [email] }', ['alerts.rules[0].notify[0]: expected one of "log", "mqtt", "webhook", "panel"']],
  ['an unknown health flag', '- { name: a, health: dead }', ['alerts.rules[0].health: expected one of "silent", "batteryLow", "tripped"']],
  ['spoolAbove without a percentage', '- { name: a, gateway: spoolAbove }', ['alerts.rules[0].above: spoolAbove needs above: a percentage of spool.maxBytes (0..100)']],
  ['a relay action on a bad MAC', '- { name: a, measurement: power, field: power, above: 1, action: { relay: { node: kitchen, state: off } } }',
    ['alerts.rules[0].action: relay.node: not a MAC address (12 hex digits): kitchen']],
  ['a relay action on a gateway alert without a node', '- { name: a, gateway: influxUnreachable, action: { relay: { channel: 0, state: off } } }',
    ['alerts.rules[0].action: relay.node: required for a gateway condition (the alert has no node)']],
  ['a lost share above 1', '- { name: a, lostShareAbove: 10 }', ['alerts.rules[0].lostShareAbove: a share of messages, 0..1 (0.1 = 10 %)']],
  ['a typo in a key', '- { name: a, health: silent, fro: 5m }', ['alerts.rules[0].fro: unknown key']],
];
for (const [name, rules, expected] of bad) {
  test(`alerts config: refused: ${name}`, async (t) => {
    await withDir(async (dir) => {
      const error = await t.throwsAsync(parseConfig(`${base(dir)}alerts:\n  rules:\n    ${rules}\n`, FILE), { instanceOf: ConfigError });
      t.deepEqual((error as ConfigError).problems, expected.map((p) => `${FILE}: ${p}`));
    });
  });
}
