import test from 'ava';
import { ConfigError, keysNeedingRestart, parseConfig } from '../../src/config/index.ts';

const FILE = 'gateway.yaml';
const SERIAL = 'serial: { path: /dev/ttyACM0 }\n';
const INFLUX = 'influx: { url: "http://127.0.0.1:8086", org: home, bucket: sensors, token: t }\n';

/** [case, YAML after the serial section, the completed `history`]. */
const accepted: Array<[string, string, unknown]> = [
  ['no influx section and no history: no history', '', undefined],
  ['an influx section: history from InfluxDB at influx.url', INFLUX, { backend: 'influx', url: 'http://127.0.0.1:8086' }],
  ['backend victoria-metrics: influx.url by default', `${INFLUX}history: { backend: victoria-metrics }`, { backend: 'victoria-metrics', url: 'http://127.0.0.1:8086' }],
  ['history.url overrides influx.url', `${INFLUX}history: { url: "https://replica:8086" }`, { backend: 'influx', url: 'https://replica:8086' }],
  ['victoria-metrics with its url and no influx section', 'history: { backend: victoria-metrics, url: "http://vm:8428" }', { backend: 'victoria-metrics', url: 'http://vm:8428' }],
  ['an empty history section with influx', `${INFLUX}history: {}`, { backend: 'influx', url: 'http://127.0.0.1:8086' }],
];

for (const [name, yaml, history] of accepted) {
  test(`history config: ${name}`, async (t) => {
    const config = await parseConfig(`${SERIAL}${yaml}`, FILE, {});
    t.deepEqual(config.history, history);
  });
}

/** [case, YAML after the serial section, the problem: key, text]. */
const refused: Array<[string, string, string, string]> = [
  ['history without influx and without a backend', 'history: { url: "http://vm:8428" }', 'history.backend', 'influx needs the influx section (url, org, bucket, token); without it use history.backend: victoria-metrics with history.url'],
  ['backend influx without an influx section', 'history: { backend: influx }', 'history.backend', 'influx needs the influx section'],
  ['victoria-metrics without influx and without a url', 'history: { backend: victoria-metrics }', 'history.url', 'required when there is no influx section'],
  ['an unknown backend', `${INFLUX}history: { backend: prometheus }`, 'history.backend', 'expected one of "influx", "victoria-metrics"'],
  ['a url that is not http(s)', `${INFLUX}history: { url: "ftp://vm" }`, 'history.url', 'not an http(s) URL'],
  ['an unknown key', `${INFLUX}history: { token: x }`, 'history.token', 'unknown key'],
];

for (const [name, yaml, key, text] of refused) {
  test(`history config: ${name} is refused, naming ${key}`, async (t) => {
    const error = await t.throwsAsync(parseConfig(`${SERIAL}${yaml}`, FILE, {}), { instanceOf: ConfigError });
    t.is(error?.problems.length, 1, error?.message);
    t.true(error!.problems[0].startsWith(`${FILE}: ${key}: `), error!.problems[0]);
    t.true(error!.problems[0].includes(text), error!.problems[0]);
  });
}

test('history config: a changed history.url needs a restart', async (t) => {
  const running = await parseConfig(`${SERIAL}${INFLUX}`, FILE, {});
  const next = await parseConfig(`${SERIAL}${INFLUX}history: { backend: victoria-metrics, url: "http://vm:8428" }`, FILE, {});
  t.deepEqual(keysNeedingRestart(running, next), ['history.backend', 'history.url']);
});
