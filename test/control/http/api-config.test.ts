import test from 'ava';
import { resolve } from 'node:path';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';

const FILE = 'gateway.yaml';
const SERIAL = 'serial: { path: /dev/ttyACM0 }\ndataDir: /tmp/espnow-api-config\n';

const accepted: Array<[string, string, unknown]> = [
  ['no api section: the API is off', '', undefined],
  ['api: alone turns it on with every default', 'api:', { listen: '127.0.0.1:8080', host: '127.0.0.1', port: 8080, tokensFile: '/tmp/espnow-api-config/api-tokens.json', openReads: false, controlRatePerMin: 30 }],
  ['the LAN, open reads, a tokens file, a rate', 'api: { listen: "0.0.0.0:8081", openReads: true, tokensFile: /etc/espnow-gateway/api-tokens.json, controlRatePerMin: 5 }',
    { listen: '0.0.0.0:8081', host: '0.0.0.0', port: 8081, tokensFile: '/etc/espnow-gateway/api-tokens.json', openReads: true, controlRatePerMin: 5 }],
  ['IPv6 any', 'api: { listen: "[::]:8080" }', { listen: '[::]:8080', host: '::', port: 8080, tokensFile: '/tmp/espnow-api-config/api-tokens.json', openReads: false, controlRatePerMin: 30 }],
  ['a relative tokens file is from the working directory', 'api: { tokensFile: tokens.json }', { listen: '127.0.0.1:8080', host: '127.0.0.1', port: 8080, tokensFile: resolve('tokens.json'), openReads: false, controlRatePerMin: 30 }],
];
for (const [name, yaml, api] of accepted) {
  test(`api config: ${name}`, async (t) => {
    t.deepEqual((await parseConfig(`${SERIAL}${yaml}`, FILE, {})).api, api);
  });
}

const refused: Array<[string, string, string]> = [
  ['a port alone', 'api: { listen: "8080" }', 'api.listen: not host:port (e.g. 127.0.0.1:8080, 0.0.0.0:8080 for the LAN, [::]:8080; port 0..65535)'],
  ['a port past 65535', 'api: { listen: "127.0.0.1:70000" }', 'api.listen: not host:port'],
  ['a URL', 'api: { listen: "http://0.0.0.0:8080" }', 'api.listen: not host:port'],
  ['a number', 'api: { listen: 8080 }', 'api.listen: expected string'],
  ['openReads as text', 'api: { openReads: "yes" }', 'api.openReads: expected boolean'],
  ['a zero rate', 'api: { controlRatePerMin: 0 }', 'api.controlRatePerMin: '],
  ['an unknown key', 'api: { port: 8080 }', 'api.port: unknown key'],
];
for (const [name, yaml, text] of refused) {
  test(`api config: ${name} is refused, naming the key`, async (t) => {
    const error = await t.throwsAsync(parseConfig(`${SERIAL}${yaml}`, FILE, {}), { instanceOf: ConfigError });
    t.is(error?.problems.length, 1, error?.message);
    t.true(error!.problems[0].startsWith(`${FILE}: ${text}`), error!.problems[0]);
  });
}
