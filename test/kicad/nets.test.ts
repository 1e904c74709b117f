import { readFileSync } from 'node:fs';
import test from 'ava';
import { BOARD_KEYS, compareWithConfig, deriveBoardConfig, parsePythonConfig } from './firmware-pins.ts';
import { FIRMWARE_CONFIG, netlistOf, schematicText } from './load-design.ts';

const config = () => parsePythonConfig(readFileSync(FIRMWARE_CONFIG, 'utf8'));

test('the schematic wires every sensor pin, address strap and the battery divider as config.py says', (t) => {
  const board = deriveBoardConfig(netlistOf());
  t.deepEqual(compareWithConfig(board, config()), []);
  t.like(board, { BME280_ADDR: 0x76, BH1750_ADDR: 0x23, BATTERY_DIVIDER: 2 });
});

const moved: Record<(typeof BOARD_KEYS)[number], number> = {
  I2C_ENV_SCL: 27, I2C_ENV_SDA: 27, BME280_ADDR: 0x77, I2C_LIGHT_SCL: 27, I2C_LIGHT_SDA: 27,
  BH1750_ADDR: 0x5c, BATTERY_ADC: 35, BATTERY_DIVIDER: 3,
};
for (const key of BOARD_KEYS) {
  test(`changing only ${key} in config.py fails the comparison`, (t) => {
    const changed = { ...config(), [key]: moved[key] };
    const problems = compareWithConfig(deriveBoardConfig(netlistOf()), changed);
    t.is(problems.length, 1);
    t.true(problems[0].startsWith(`${key}:`), problems[0]);
  });
}

const swapPinNames = (text: string, a: string, b: string) =>
  text.replaceAll(`(name "${a}"`, '(name "@SWAP@"').replaceAll(`(name "${b}"`, `(name "${a}"`).replaceAll('(name "@SWAP@"', `(name "${b}"`);

test('moving the BME280 clock to another GPIO only in the schematic fails the comparison', (t) => {
  const text = swapPinNames(schematicText(), 'IO26', 'IO27');
  const problems = compareWithConfig(deriveBoardConfig(netlistOf(text)), config());
  t.deepEqual(problems, [`I2C_ENV_SCL: config.py says ${config().I2C_ENV_SCL}, the schematic wires 27`]);
});

test('moving the battery sense to another GPIO only in the schematic fails the comparison', (t) => {
  const text = swapPinNames(schematicText(), 'IO34', 'IO39');
  const problems = compareWithConfig(deriveBoardConfig(netlistOf(text)), config());
  t.deepEqual(problems, [`BATTERY_ADC: config.py says ${config().BATTERY_ADC}, the schematic wires 39`]);
});

test('changing the lower divider resistor only in the schematic fails the comparison', (t) => {
  const text = schematicText().replace(/(\(property "Reference" "R2"[^\n]*\n\s*\(property "Value" )"220k"/, '$1"100k"');
  t.not(text, schematicText());
  const problems = compareWithConfig(deriveBoardConfig(netlistOf(text)), config());
  t.is(problems.length, 1);
  t.regex(problems[0], /^BATTERY_DIVIDER: config.py says 2, the schematic wires 3\.2/);
});

test('config.py lines are read as numbers in any base', (t) => {
  t.deepEqual(parsePythonConfig('A = 26\nB = 0x76  # addr\nC = 2.0\nD = const(0x23)\nname = 5\n# E = 1\n'), { A: 26, B: 0x76, C: 2, D: 0x23 });
});
