/**
 * Buttons (micropython/lib/buttons.py) and LEDs (leds.py) in the real
 * interpreter: presses with bouncing contacts on an injected clock, one
 * event each; LEDs on GPIO pins, a 74HC595 chain model and an MCP23017 model.
 */
import test from 'ava';
import { FirmwareRig, q } from './harness.ts';

let shared: Promise<FirmwareRig> | undefined;
async function rig(): Promise<FirmwareRig> {
  shared ??= FirmwareRig.create(1).then((r) => {
    r.py(`
import json, buttons
def presses(changes, until, count=2, long_ms=800, step=5):
    # changes: [[t ms, button, 1 pressed / 0 released]]; polled every step ms from 0 to until
    keys = buttons.Buttons(None, count, long_ms)
    raw, out, i = 0, [], 0
    changes = sorted(changes)
    for t in range(0, until + 1, step):
        while i < len(changes) and changes[i][0] <= t:
            _, b, level = changes[i]
            raw = raw | 1 << b if level else raw & ~(1 << b)
            i += 1
        out += [[t, b, k] for b, k in keys.update(raw, t)]
    return json.dumps(out)
`);
    return r;
  });
  return shared;
}

const bounce = (t: number, b: number, level: number) => [[t, b, level], [t + 2, b, 1 - level], [t + 4, b, level], [t + 9, b, 1 - level], [t + 12, b, level]];
const cases: [string, number[][], number, number[][], number?][] = [
  ['a short press with bouncing contacts: one short press on release', [...bounce(100, 0, 1), ...bounce(400, 0, 0)], 1000, [[445, 0, 1]]],
  ['held 800 ms: one long press when 800 ms are reached, nothing on release', [...bounce(100, 0, 1), ...bounce(1500, 0, 0)], 2000, [[915, 0, 2]]],
  ['held 790 ms: short', [[100, 0, 1], [890, 0, 0]], 1500, [[920, 0, 1]]],
  ['a glitch shorter than the debounce time is no press', [[100, 1, 1], [120, 1, 0]], 600, []],
  ['two buttons at once: each its own event', [[100, 0, 1], [150, 1, 1], [300, 1, 0], [1200, 0, 0]], 1500, [[330, 1, 1], [900, 0, 2]]],
  ['the threshold from config: 300 ms makes a 400 ms press long', [[100, 0, 1], [500, 0, 0]], 800, [[400, 0, 2]], 300],
  ['presses in a row: one event each', [[100, 0, 1], [200, 0, 0], [300, 0, 1], [400, 0, 0], [500, 0, 1], [1400, 0, 0]], 1600, [[230, 0, 1], [430, 0, 1], [1300, 0, 2]]],
];
for (const [name, changes, until, want, longMs] of cases) {
  test(`buttons: ${name}`, async (t) => {
    t.deepEqual((await rig()).json(`presses(${JSON.stringify(changes)}, ${until}, 2, ${longMs ?? 800})`), want);
  });
}

test('buttons: gpio_reader reads pulled-up buttons (pressed = 0) as set bits', async (t) => {
  const r = await rig();
  r.py(`
import bench_rig
d = bench_rig.bench("g")
d.pins.update({32: 1, 33: 0, 34: 1})
bench_rig.run("g", "from machine import Pin\\nimport buttons\\nread = buttons.gpio_reader([Pin(n, Pin.IN, Pin.PULL_UP) for n in (32, 33, 34)])\\nbits = read()")
`);
  t.is(r.str('bench_rig.value("g", "bits")'), '2');
});

test('leds: a chain of two 74HC595s shows the mask only after the latch, channel 0 on the first chip', async (t) => {
  const r = await FirmwareRig.create(1);
  r.py(`
import bench_rig, shift_chips, spi_bus
d = bench_rig.bench("l")
chain = spi_bus.attach(d, 18, shift_chips.Hc595Chain(15, 2))
bench_rig.run("l", "from machine import SPI, Pin\\nimport leds\\nl = leds.ShiftLeds(SPI(2, sck=Pin(18), mosi=Pin(23), miso=Pin(19)), Pin(15, Pin.OUT), 16)\\nl.set(0x8105)")
`);
  t.deepEqual(r.json<string[]>('bench_rig.crashes("l")'), []);
  t.is(r.str('chain.outputs()'), String(0x8105));
  r.py('bench_rig.run("l", "l._spi.write(b\\"\\\\xff\\\\xff\\")")');
  t.is(r.str('chain.outputs()'), String(0x8105), 'bytes shifted in without a latch edge change nothing');
  r.py('bench_rig.run("l", "l.set(0x0001)")');
  t.is(r.str('chain.outputs()'), '1');
});

test('leds: GPIO pins and an MCP23017 (through its output(pin, value))', async (t) => {
  const r = await FirmwareRig.create(1);
  r.py(`
import json, bench_rig, power_chips
d = bench_rig.bench("l")
io = power_chips.Mcp23017Chip()
d.i2c[(22, 21)] = {0x20: io}
bench_rig.run("l", """
from machine import Pin, I2C
import leds, mcp23017
g = leds.GpioLeds([Pin(n, Pin.OUT) for n in (25, 26, 27)])
g.set(0b101)
e = leds.ExpanderLeds(mcp23017.MCP23017(I2C(0, scl=Pin(22), sda=Pin(21)), 0x20), (8, 9, 10))
e.set(0b110)
""")
`);
  t.deepEqual(r.json<string[]>('bench_rig.crashes("l")'), []);
  t.deepEqual(r.json('json.dumps([d.pins[n] for n in (25, 26, 27)])'), [1, 0, 1]);
  t.deepEqual(r.json('json.dumps([io.level(p) for p in (8, 9, 10)])'), [0, 1, 1]);
});
