import test from 'ava';
import { chmod, writeFile } from 'node:fs/promises';
import { ConfigError, parseConfig, parseConfigWithWarnings } from '../../../src/config/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const FILE = '/etc/espnow-gateway/gateway.yaml';
const base = (dir: string) => `serial: { path: /dev/ttyACM0 }\ngateway: pi\ndataDir: ${dir}/data\n`;

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir('mqtt-config');
  try {
    return await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

test('mqtt config: no section, no MQTT', async (t) => {
  await withDir(async (dir) => t.is((await parseConfig(base(dir), FILE)).mqtt, undefined));
});

const good: Array<[string, string, object]> = [
  ['a URL alone takes every default', 'mqtt: { url: "mqtt://127.0.0.1:1883" }', { url: 'mqtt://127.0.0.1:1883', clientId: 'espnow-gateway-pi', baseTopic: 'espnow-gateway', stateIntervalMs: 1000 }],
  ['homeAssistant with nothing under it turns discovery on with the default prefix', 'mqtt:\n  url: "mqtts://broker.lan"\n  homeAssistant:\n',
    { url: 'mqtts://broker.lan', clientId: 'espnow-gateway-pi', baseTopic: 'espnow-gateway', stateIntervalMs: 1000, homeAssistant: { prefix: 'homeassistant' } }],
  ['prefix, base topic, user, password, client id and state interval as written', 'mqtt: { url: "mqtt://b", username: gw, password: s3cret, clientId: pi-gw, baseTopic: house/espnow, stateIntervalMs: 5000, homeAssistant: { prefix: ha } }',
    { url: 'mqtt://b', username: 'gw', password: 's3cret', clientId: 'pi-gw', baseTopic: 'house/espnow', stateIntervalMs: 5000, homeAssistant: { prefix: 'ha' } }],
  ['a state interval of 0 (state on every reading)', 'mqtt: { url: "mqtt://b", stateIntervalMs: 0 }', { url: 'mqtt://b', clientId: 'espnow-gateway-pi', baseTopic: 'espnow-gateway', stateIntervalMs: 0 }],
  ['a state interval of an hour, the longest', 'mqtt: { url: "mqtt://b", stateIntervalMs: 3600000 }', { url: 'mqtt://b', clientId: 'espnow-gateway-pi', baseTopic: 'espnow-gateway', stateIntervalMs: 3_600_000 }],
];
for (const [name, yaml, expected] of good) {
  test(`mqtt config: ${name}`, async (t) => {
    await withDir(async (dir) => t.deepEqual((await parseConfig(base(dir) + yaml, FILE)).mqtt, expected));
  });
}

test('mqtt config: the password comes from passwordFile (trimmed); a file others can read is a warning with the chmod', async (t) => {
  await withDir(async (dir) => {
    await writeFile(`${dir}/mqtt-password`, 's3cret\n');
    await chmod(`${dir}/mqtt-password`, 0o644);
    const { config, warnings } = await parseConfigWithWarnings(`${base(dir)}mqtt: { url: "mqtt://b", username: gw, passwordFile: ${dir}/mqtt-password }`, FILE);
    t.is(config.mqtt?.password, 's3cret');
    t.deepEqual(warnings, [`${FILE}: mqtt.passwordFile: ${dir}/mqtt-password (the MQTT password) is readable by others (mode 0644); run: chmod 600 ${dir}/mqtt-password`]);
  });
});

const broken: Array<[string, string, string[]]> = [
  ['an http URL', 'mqtt: { url: "http://b" }', ['mqtt.url: not an mqtt:// or mqtts:// URL']],
  ['no URL', 'mqtt: { baseTopic: x }', ['mqtt.url: required']],
  ['an unknown key', 'mqtt: { url: "mqtt://b", host: b }', ['mqtt.host: unknown key']],
  ['a base topic with a wildcard', 'mqtt: { url: "mqtt://b", baseTopic: "home/#" }', ['mqtt.baseTopic: not a topic prefix']],
  ['a base topic ending in /', 'mqtt: { url: "mqtt://b", baseTopic: "home/" }', ['mqtt.baseTopic: not a topic prefix']],
  ['a prefix with +', 'mqtt: { url: "mqtt://b", homeAssistant: { prefix: "a/+" } }', ['mqtt.homeAssistant.prefix: not a topic prefix']],
  ['a negative state interval', 'mqtt: { url: "mqtt://b", stateIntervalMs: -1 }', ['mqtt.stateIntervalMs: not a whole number of ms from 0 to 3600000 (0 = publish state on every reading)']],
  ['a state interval over an hour', 'mqtt: { url: "mqtt://b", stateIntervalMs: 3600001 }', ['mqtt.stateIntervalMs: not a whole number of ms from 0 to 3600000']],
  ['a fractional state interval', 'mqtt: { url: "mqtt://b", stateIntervalMs: 2.5 }', ['mqtt.stateIntervalMs: expected int']],
  ['a state interval with a unit', 'mqtt: { url: "mqtt://b", stateIntervalMs: 1s }', ['mqtt.stateIntervalMs: expected number']],
  ['password and passwordFile together', 'mqtt: { url: "mqtt://b", username: u, password: p, passwordFile: /f }', ['mqtt.password: give mqtt.password or mqtt.passwordFile, not both']],
  ['a password without a user', 'mqtt: { url: "mqtt://b", password: p }', ['mqtt.username: required with a password']],
  ['a passwordFile that is not there', 'mqtt: { url: "mqtt://b", username: u, passwordFile: /nonexistent/mqtt-password }', ['mqtt.passwordFile: cannot read /nonexistent/mqtt-password: ENOENT']],
  ['every problem together with the rest of the file', 'log: { level: loud }\nmqtt: { url: "ftp://b", password: p }', ['log.level: expected one of', 'mqtt.url: not an mqtt://', 'mqtt.username: required with a password']],
];
for (const [name, yaml, problems] of broken) {
  test(`mqtt config refused: ${name}`, async (t) => {
    await withDir(async (dir) => {
      const error = await t.throwsAsync(parseConfig(base(dir) + yaml, FILE), { instanceOf: ConfigError });
      for (const p of problems) t.true(error!.message.includes(`${FILE}: ${p}`), `${p}\nin\n${error!.message}`);
    });
  });
}
