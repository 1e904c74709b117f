import test from 'ava';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const FILE = '/etc/espnow-gateway/gateway.yaml';

async function parse(yaml: string) {
  const dir = await makeTempDir('panel-config');
  try {
    return await parseConfig(`serial: { path: /dev/ttyACM0 }\ngateway: pi\ndataDir: ${dir.path}/data\n${yaml}`, FILE);
  } finally {
    await dir.remove();
  }
}

async function problems(yaml: string): Promise<readonly string[]> {
  try {
    await parse(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('panels config: no section, no bindings', async (t) => {
  t.is((await parse('')).panels, undefined);
});

test('panels config: MACs in any spelling become 12 hex digits, buttons numbers in order, names kept', async (t) => {
  const config = await parse([
    'panels:',
    '  "A2-B2-C2-D2-E2-B1":',
    '    buttons:',
    '      2: { node: "a2:b2:c2:d2:e2:a1", channel: 2, name: NAS }',
    '      1: { node: a2b2c2d2e2a1, channel: 1 }',
  ].join('\n'));
  t.deepEqual(config.panels, {
    a2b2c2d2e2b1: {
      mac: 'a2b2c2d2e2b1',
      buttons: [{ button: 1, node: 'a2b2c2d2e2a1', channel: 1 }, { button: 2, node: 'a2b2c2d2e2a1', channel: 2, name: 'NAS' }],
    },
  });
});

const bad: Array<[string, string, string[]]> = [
  ['a panel key that is not a MAC', 'panels: { "a2:b2": { buttons: {} } }', [`${FILE}: panels["a2:b2"]: not a MAC address (12 hex digits)`]],
  ['a socket that is not a MAC', 'panels: { a2b2c2d2e2b1: { buttons: { 1: { node: "a2:b2:zz", channel: 1 } } } }',
    [`${FILE}: panels.a2b2c2d2e2b1.buttons["1"].node: not a MAC address (12 hex digits)`]],
  ['channel 256', 'panels: { a2b2c2d2e2b1: { buttons: { 1: { node: a2b2c2d2e2a1, channel: 256 } } } }',
    [`${FILE}: panels.a2b2c2d2e2b1.buttons["1"].channel: not a channel (0..255)`]],
  ['button 0 and button 17', 'panels: { a2b2c2d2e2b1: { buttons: { 0: { node: a2b2c2d2e2a1, channel: 1 }, 17: { node: a2b2c2d2e2a1, channel: 2 } } } }',
    [`${FILE}: panels.a2b2c2d2e2b1.buttons["0"]: not a button (1..16)`, `${FILE}: panels.a2b2c2d2e2b1.buttons["17"]: not a button (1..16)`]],
  ['a channel missing and a key misspelt', 'panels: { a2b2c2d2e2b1: { buttons: { 1: { node: a2b2c2d2e2a1, chanel: 1 } } } }',
    [`${FILE}: panels.a2b2c2d2e2b1.buttons["1"].chanel: unknown key`, `${FILE}: panels.a2b2c2d2e2b1.buttons["1"].channel: required`]],
  ['the same panel twice in two spellings', 'panels: { a2b2c2d2e2b1: { buttons: {} }, "A2:B2:C2:D2:E2:B1": { buttons: {} } }',
    [`${FILE}: panels["A2:B2:C2:D2:E2:B1"]: same MAC as panels["a2b2c2d2e2b1"]`]],
];
for (const [name, yaml, expected] of bad) {
  test(`panels config: ${name} is refused naming the file and the key`, async (t) => {
    t.deepEqual([...await problems(yaml)].sort(), [...expected].sort());
  });
}
