import test from 'ava';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_SPOOL_MAX_BYTES, loadConfig, parseConfig, roomsFrom } from '../../src/config/index.ts';

const FILE = 'gateway.yaml';
const SERIAL = 'serial: { path: /dev/ttyACM0 }\n';
const INFLUX = 'influx: { url: "http://127.0.0.1:8086", org: home, bucket: sensors, token: t }\n';

/** [case, YAML, env, what each problem must start with (file: key:) and contain]. */
const broken: Array<[name: string, yaml: string, env: NodeJS.ProcessEnv, problems: Array<[prefix: string, contains: string]>]> = [
  ['a short MAC is refused', `${SERIAL}nodes: { "a2:b2": Kitchen }`, {}, [['nodes["a2:b2"]', 'not a MAC address (12 hex digits)']]],
  ['two spellings of one MAC are refused', `${SERIAL}nodes: { "a2:b2:c2:d2:e2:f2": A, "A2-B2-C2-D2-E2-F2": B }`, {}, [['nodes["A2-B2-C2-D2-E2-F2"]', 'same MAC as nodes["a2:b2:c2:d2:e2:f2"]']]],
  ['an empty room is refused', `${SERIAL}nodes: { "a2b2c2d2e2f2": "" }`, {}, [['nodes["a2b2c2d2e2f2"]', 'must not be empty']]],
  ['a missing serial section is refused', 'gateway: pi', {}, [['serial', 'required']]],
  ['a missing serial path is refused', 'serial: { baudRate: 115200 }', {}, [['serial.path', 'required']]],
  ['a non-standard baud rate is refused', 'serial: { path: /dev/x, baudRate: 12345 }', {}, [['serial.baudRate', 'not a standard baud rate']]],
  ['an unknown top-level key is refused', `${SERIAL}serail: { path: x }`, {}, [['serail', 'unknown key']]],
  ['an unknown nested key is refused', `${SERIAL}influx: { url: "http://x", org: o, bucket: b, token: t, tokn: u }`, {}, [['influx.tokn', 'unknown key']]],
  ['no token source is refused', `${SERIAL}influx: { url: "http://x", org: o, bucket: b }`, {}, [['influx.token', 'give exactly one of influx.token, influx.tokenFile or INFLUX_TOKEN (none given)']]],
  ['token and INFLUX_TOKEN together are refused', `${SERIAL}${INFLUX}`, { INFLUX_TOKEN: 'x' }, [['influx.token', 'got influx.token and INFLUX_TOKEN']]],
  ['token and tokenFile together are refused', `${SERIAL}influx: { url: "http://x", org: o, bucket: b, token: t, tokenFile: /f }`, {}, [['influx.token', 'got influx.token and influx.tokenFile']]],
  ['an unreadable tokenFile names the path and errno', `${SERIAL}influx: { url: "http://x", org: o, bucket: b, tokenFile: /nonexistent/influx-token }`, {}, [['influx.tokenFile', 'cannot read /nonexistent/influx-token: ENOENT']]],
  ['a non-http URL is refused', `${SERIAL}influx: { url: "ftp://x", org: o, bucket: b, token: t }`, {}, [['influx.url', 'not an http(s) URL']]],
  ['a missing bucket is refused', `${SERIAL}influx: { url: "http://x", org: o, token: t }`, {}, [['influx.bucket', 'required']]],
  ['a zero batch size is refused', `${SERIAL}influx: { url: "http://x", org: o, bucket: b, token: t, batchSize: 0 }`, {}, [['influx.batchSize', '']]],
  ['a string spool size is refused', `${SERIAL}spool: { maxBytes: big }`, {}, [['spool.maxBytes', 'expected number']]],
  ['minRefreshS below 180 is refused for 2in13b_v4', `${SERIAL}display: { minRefreshS: 60 }`, {}, [['display.minRefreshS', '60 s is below 180 s, the least a three-colour panel (2in13b_v4) allows']]],
  ['minRefreshS below 180 is refused for 2in13b_v3', `${SERIAL}display: { panel: 2in13b_v3, minRefreshS: 179 }`, {}, [['display.minRefreshS', 'three-colour panel (2in13b_v3)']]],
  ['an unknown panel is refused', `${SERIAL}display: { panel: 2in9 }`, {}, [['display.panel', 'expected one of "2in13b_v4"']]],
  ['a quiet hour of 25:00 is refused', `${SERIAL}display: { quietHours: { from: "25:00", to: "06:00" } }`, {}, [['display.quietHours.from', 'not a time of day']]],
  ['a pin over 27 is refused', `${SERIAL}display: { pins: { busy: 40 } }`, {}, [['display.pins.busy', 'not a BCM GPIO pin']]],
  ['a log level that pino lacks is refused', `${SERIAL}log: { level: loud }`, {}, [['log.level', 'expected one of']]],
  ['a gateway name with a space is refused', `${SERIAL}gateway: my pi`, {}, [['gateway', 'must not contain spaces']]],
  ['a list instead of a mapping is refused', '- a\n- b', {}, [['(top level)', 'expected object']]],
  ['every problem is reported together', `serial: { baudRate: 1 }\nnodes: { "x": K }\nlog: { level: loud }`, {}, [
    ['serial.path', 'required'], ['serial.baudRate', 'not a standard'], ['log.level', 'expected one of'], ['nodes["x"]', 'not a MAC'],
  ]],
];

for (const [name, yaml, env, expected] of broken) {
  test(`config: ${name}`, async (t) => {
    const error = await t.throwsAsync(parseConfig(yaml, FILE, env), { instanceOf: ConfigError });
    t.is(error?.code, 'CONFIG_INVALID');
    t.is(error?.problems.length, expected.length, error?.message);
    for (const [prefix, contains] of expected) {
      const problem = error?.problems.find((p) => p.startsWith(`${FILE}: ${prefix}: `));
      t.truthy(problem, `no problem for ${prefix} in:\n${error?.message}`);
      t.true(problem!.includes(contains), problem);
    }
  });
}

test('config: a YAML syntax error names the file, line and column', async (t) => {
  const error = await t.throwsAsync(parseConfig('serial:\n  path: [unclosed\n', FILE, {}), { instanceOf: ConfigError });
  t.regex(error!.problems[0], /^gateway\.yaml:3:1: YAML syntax: /);
});

test('config: a key given twice is a YAML error with its line', async (t) => {
  const error = await t.throwsAsync(parseConfig(`${SERIAL}gateway: a\ngateway: b\n`, FILE, {}), { instanceOf: ConfigError });
  t.regex(error!.problems[0], /^gateway\.yaml:3:1: YAML syntax: Map keys must be unique/);
});

test('config: the smallest config gets every default', async (t) => {
  const config = await parseConfig(SERIAL, FILE, {});
  t.like(config, {
    dataDir: resolve('data'), log: { level: 'info' }, serial: { path: '/dev/ttyACM0', baudRate: 115200 },
    spool: { maxBytes: DEFAULT_SPOOL_MAX_BYTES, fsyncIntervalMs: 1000 }, nodes: {}, clock: { requireSync: true },
    display: { panel: 'none', orientation: 'landscape', minRefreshS: 180, busyTimeoutMs: 10000, pins: { rst: 17, dc: 25, busy: 24, pwr: 18 } },
  });
  t.is(config.influx, undefined);
  t.true(config.gateway.length > 0);
});

test('config: MACs are normalised and roomsFrom maps them to rooms', async (t) => {
  const config = await parseConfig(`${SERIAL}nodes: { "A2-B2-C2-D2-E2-F2": Kitchen, "a2:b2:c2:d2:e2:f3": Hall }`, FILE, {});
  t.deepEqual([...roomsFrom(config)], [['a2b2c2d2e2f2', 'Kitchen'], ['a2b2c2d2e2f3', 'Hall']]);
});

test('config: a display section without a panel means 2in13b_v4 with its slow BUSY limit', async (t) => {
  const config = await parseConfig(`${SERIAL}display: { pins: { busy: 5 } }`, FILE, {});
  t.like(config.display, { panel: '2in13b_v4', busyTimeoutMs: 60000, pins: { rst: 17, dc: 25, busy: 5, pwr: 18 } });
});

test('config: 2in13_v4 may refresh faster than 180 s', async (t) => {
  const config = await parseConfig(`${SERIAL}display: { panel: 2in13_v4, minRefreshS: 30 }`, FILE, {});
  t.is(config.display.minRefreshS, 30);
});

test('config: the token comes from INFLUX_TOKEN', async (t) => {
  const config = await parseConfig(`${SERIAL}influx: { url: "http://x:8086", org: o, bucket: b }`, FILE, { INFLUX_TOKEN: 'from-env' });
  t.like(config.influx, { token: 'from-env', flushIntervalMs: 1000, batchSize: 5000, timeoutMs: 10000 });
});

test('config: the token is read from tokenFile, without its newline', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'secret-token\n');
  await chmod(tokenFile, 0o600);
  const config = await parseConfig(`${SERIAL}influx: { url: "https://db", org: o, bucket: b, tokenFile: ${tokenFile} }`, FILE, {});
  t.is(config.influx?.token, 'secret-token');
});

test('config: an empty tokenFile is refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), '\n');
  const error = await t.throwsAsync(parseConfig(`${SERIAL}influx: { url: "http://x", org: o, bucket: b, tokenFile: ${join(dir, 'token')} }`, FILE, {}), { instanceOf: ConfigError });
  t.true(error!.problems[0].startsWith(`${FILE}: influx.tokenFile: `));
});

test('config: loadConfig names a missing file and its errno', async (t) => {
  const error = await t.throwsAsync(loadConfig('/nonexistent/gateway.yaml', {}), { instanceOf: ConfigError });
  t.regex(error!.problems[0], /^\/nonexistent\/gateway\.yaml: cannot read the config file: ENOENT/);
});

test('config: a YAML alias bomb is a config error naming the file, not a crash', async (t) => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
  const error = await t.throwsAsync(parseConfig(`${SERIAL}${levels.join('\n')}\n`, FILE, {}), { instanceOf: ConfigError });
  t.deepEqual(error!.problems, [`${FILE}: YAML: too many aliases (*name) expand to too much data; refused as a resource exhaustion attack`]);
});

test('config: the example config loads (token from INFLUX_TOKEN)', async (t) => {
  // Its dataDir (/var/lib/espnow-gateway) is writable by root only: checked from a copy aimed at a temp dir.
  const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const example = await readFile(new URL('../../config/gateway.example.yaml', import.meta.url), 'utf8');
  t.regex(example, /^dataDir: \/var\/lib\/espnow-gateway$/m);
  await writeFile(join(dir, 'gateway.yaml'), example.replace(/^dataDir: .*$/m, `dataDir: ${dir}/data`));
  const config = await loadConfig(join(dir, 'gateway.yaml'), { INFLUX_TOKEN: 'x' });
  t.like(config, { gateway: 'cupboard-pi', display: { panel: 'none', quietHours: { from: '23:00', to: '06:00' } } });
  t.is(roomsFrom(config).get('a2b2c2d2e2f2'), 'Kitchen');
});

test('config: the optional sections of the example, uncommented, are valid (api, history, metrics, udpMeters, mqtt, alerts, panels, backup)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'mqtt-password'), 'secret\n', { mode: 0o600 });
  const example = await readFile(new URL('../../config/gateway.example.yaml', import.meta.url), 'utf8');
  const [head, optional] = example.split('# Everything below is off');
  const text = (head + '# Everything below is off' + optional)
    .replace(/^dataDir: .*$/m, `dataDir: ${dir}/data`)
    .replace(optional, optional.replace(/^# (api|history|metrics|udpMeters|mqtt|alerts|panels|backup):/gm, '$1:').replace(/^# (?= {2,}\S)/gm, ''))
    .replace(/passwordFile: .*$/m, `passwordFile: ${dir}/mqtt-password`)
    .replace(/dir: \/var\/backups\/espnow-gateway/, `dir: ${dir}/backups`);
  await writeFile(join(dir, 'gateway.yaml'), text);
  const config = await loadConfig(join(dir, 'gateway.yaml'), { INFLUX_TOKEN: 'x' });
  t.like(config, {
    api: { host: '127.0.0.1', port: 8080, openReads: false, controlRatePerMin: 30 },
    history: { backend: 'influx' }, metrics: {}, udpMeters: { host: '0.0.0.0', port: 4210 },
    mqtt: { baseTopic: 'espnow-gateway' }, backup: { schedule: '30 3 * * *', keep: 7 },
    alerts: { rules: [{ name: 'node-silent' }, { name: 'heater-overload' }] },
  });
});

test('config: the demo config loads with five rooms and the power strip, no InfluxDB, the API on loopback', async (t) => {
  const config = await loadConfig(new URL('../../config/demo.yaml', import.meta.url).pathname, {});
  t.is(config.influx, undefined);
  t.is(config.serial.path, 'sim');
  t.is(config.dataDir, resolve('data/demo'));
  t.deepEqual([...roomsFrom(config).keys()], ['a2b2c2d2e2f1', 'a2b2c2d2e2f2', 'a2b2c2d2e2f3', 'a2b2c2d2e2f4', 'a2b2c2d2e2f5', 'a2b2c2d2e2a1']);
  t.like(config.api, { host: '127.0.0.1', port: 8080, openReads: true });
});
