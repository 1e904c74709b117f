import test from 'ava';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';

const FILE = 'gateway.yaml';
const BASE = 'serial: { path: /dev/ttyACM0 }\ndataDir: /tmp\n';

test('both sections absent: metrics and UDP meters are off', async (t) => {
  const config = await parseConfig(BASE, FILE, {});
  t.is(config.metrics, undefined);
  t.is(config.udpMeters, undefined);
});

test('metrics: alone (with api) turns /metrics on; udpMeters.listen is parsed with its default datagram bound', async (t) => {
  const config = await parseConfig(`${BASE}api:\nmetrics:\nudpMeters: { listen: "0.0.0.0:4210" }\n`, FILE, {});
  t.deepEqual(config.metrics, {});
  t.deepEqual(config.udpMeters, { listen: '0.0.0.0:4210', host: '0.0.0.0', port: 4210, maxDatagramBytes: 2048 });
  const v6 = await parseConfig(`${BASE}udpMeters: { listen: "[::]:4210", maxDatagramBytes: 1400 }\n`, FILE, {});
  t.like(v6.udpMeters, { host: '::', port: 4210, maxDatagramBytes: 1400 });
});

/** [case, YAML, what a problem must say (file: key: ...)]. */
const BROKEN: Array<[string, string, string]> = [
  ['metrics without api', 'metrics: {}\n', `${FILE}: metrics: GET /metrics is served on the API's server: add the api section`],
  ['an unknown key under metrics', 'api:\nmetrics: { port: 9100 }\n', `${FILE}: metrics.port: unknown key`],
  ['udpMeters without listen', 'udpMeters: {}\n', `${FILE}: udpMeters.listen: required`],
  ['a listen address without a port', 'udpMeters: { listen: "0.0.0.0" }\n', `${FILE}: udpMeters.listen: not host:port (e.g. 0.0.0.0:4210`],
  ['a port past 65535', 'udpMeters: { listen: "0.0.0.0:70000" }\n', `${FILE}: udpMeters.listen: not host:port`],
  ['a datagram bound past the UDP maximum', 'udpMeters: { listen: "127.0.0.1:4210", maxDatagramBytes: 70000 }\n', `${FILE}: udpMeters.maxDatagramBytes: must be at most 65507 bytes`],
  ['an unknown key under udpMeters', 'udpMeters: { listen: "127.0.0.1:4210", lisen: x }\n', `${FILE}: udpMeters.lisen: unknown key`],
];

for (const [name, yaml, problem] of BROKEN) {
  test(`refused: ${name}`, async (t) => {
    const error = await t.throwsAsync(parseConfig(`${BASE}${yaml}`, FILE, {}), { instanceOf: ConfigError });
    t.true(error!.message.includes(problem), error!.message);
  });
}
