/**
 * The PCF8574 + HD44780 driver (micropython/lib/pcf8574_hd44780.py) in the
 * real interpreter against the backpack + LCD model: the 4 lines the LCD
 * shows are exactly the text given, from any state the LCD woke in.
 */
import test from 'ava';
import { FirmwareRig, q } from './harness.ts';

async function bench(start: string, address = 0x27) {
  const rig = await FirmwareRig.create(3);
  rig.py(`
import bench_rig, lcd_chips
d = bench_rig.bench("b")
lcd_chip = lcd_chips.Pcf8574Lcd(${q(start)})
d.i2c[(22, 21)] = {${address}: lcd_chip}
bench_rig.run("b", "from machine import I2C, Pin\\nimport pcf8574_hd44780 as L\\nlcd = L.Lcd(I2C(0, scl=Pin(22), sda=Pin(21)), ${address})")
`);
  return rig;
}
const screen = (rig: FirmwareRig) => rig.json<string[]>('__import__("json").dumps(lcd_chip.screen())');
const show = (rig: FirmwareRig, arg: string) => rig.py(`bench_rig.run("b", ${q(`lcd.show(${arg})`)})`);
const crashes = (rig: FirmwareRig) => rig.json<string[]>('bench_rig.crashes("b")');

for (const start of ['8bit', '4bit', '4bit-half']) {
  test(`an LCD that woke in ${start} mode shows exactly the 4 lines, padded to 20`, async (t) => {
    const rig = await bench(start);
    show(rig, '["Living room", "21.5 C  40 %", "", "Heating on"]');
    t.deepEqual(crashes(rig), []);
    t.deepEqual(screen(rig), ['Living room'.padEnd(20), '21.5 C  40 %'.padEnd(20), ' '.repeat(20), 'Heating on'.padEnd(20)]);
    t.is(rig.str('lcd_chip.lost'), '0', 'nothing sent while the LCD was busy');
    t.true(Number(rig.str('lcd_chip.early')) <= 1, 'only the first write (E falling from the power-on high) during the power-on reset');
    t.true(rig.str('lcd_chip.backlight') === 'True');
  });
}

test('text with \\n between lines (record 0x58): long lines cut at 20, missing lines blank, a fifth line ignored', async (t) => {
  const rig = await bench('8bit', 0x3f);
  show(rig, q('0123456789abcdefghijKLMNOP\nsecond\nthird\nfourth\nfifth'));
  t.deepEqual(screen(rig), ['0123456789abcdefghij', 'second'.padEnd(20), 'third'.padEnd(20), 'fourth'.padEnd(20)]);
  show(rig, q('only one'));
  t.deepEqual(screen(rig), ['only one'.padEnd(20), ' '.repeat(20), ' '.repeat(20), ' '.repeat(20)]);
  show(rig, q('21°C \u00e9t\u00e9 ~{}'));
  t.deepEqual(screen(rig)[0], '21°C ?t? ?{}'.padEnd(20), 'not in the ROM: ?');
  t.deepEqual(crashes(rig), []);
});

test('backlight off and on drives P3 only', async (t) => {
  const rig = await bench('8bit');
  show(rig, '["a", "b", "c", "d"]');
  rig.py('bench_rig.run("b", "lcd.backlight(False)")');
  t.is(rig.str('lcd_chip.backlight'), 'False');
  t.deepEqual(screen(rig)[3], 'd'.padEnd(20));
  rig.py('bench_rig.run("b", "lcd.backlight(True)")');
  t.is(rig.str('lcd_chip.backlight'), 'True');
});

test('no backpack at the address: the driver raises OSError', async (t) => {
  const rig = await FirmwareRig.create(3);
  rig.py(`
import bench_rig, lcd_chips
d = bench_rig.bench("b")
d.i2c[(22, 21)] = {0x27: lcd_chips.Pcf8574Lcd()}
bench_rig.run("b", "from machine import I2C, Pin\\nimport pcf8574_hd44780 as L\\ntry:\\n  L.Lcd(I2C(0, scl=Pin(22), sda=Pin(21)), 0x3f)\\n  r = 'no error'\\nexcept OSError as e:\\n  r = 'OSError'")
`);
  t.is(rig.str('bench_rig.value("b", "r")'), '"OSError"');
});
