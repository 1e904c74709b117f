import test from 'ava';
import { keysNeedingRestart, parseConfig } from '../../src/config/index.ts';

const load = (yaml: string) => parseConfig(yaml, 'gateway.yaml', {});
const BASE = 'gateway: pi\nserial: { path: /dev/ttyACM0 }\ninflux: { url: "http://a:8086", org: o, bucket: b, token: t }\nnodes: { "a2b2c2d2e2f2": Kitchen }\n';

test('SIGHUP with only node names changed: nothing needs a restart', async (t) => {
  t.deepEqual(keysNeedingRestart(await load(BASE), await load(BASE.replace('Kitchen', 'Pantry'))), []);
});

test('SIGHUP with other keys changed: each key path that needs a restart is named, never a value', async (t) => {
  const next = BASE.replace('/dev/ttyACM0', '/dev/ttyUSB0').replace('http://a:8086', 'http://b:8086').replace('token: t', 'token: secret2')
    .replace('Kitchen', 'Hall') + 'display: { panel: 2in13_v4, pins: { busy: 5 } }\nspool: { maxBytes: 70000 }\n';
  const keys = keysNeedingRestart(await load(BASE), await load(next));
  t.deepEqual(keys.sort(), ['display.panel', 'display.pins.busy', 'history.url', 'influx.token', 'influx.url', 'serial.path', 'spool.maxBytes']); // history.url follows influx.url
  t.false(keys.join(' ').includes('secret2'));
});

test('SIGHUP with a section removed names the section', async (t) => {
  t.deepEqual(keysNeedingRestart(await load(BASE), await load(BASE.replace(/influx:.*\n/, ''))), ['influx', 'history']);
});
