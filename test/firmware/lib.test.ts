/**
 * micropython/lib in the real MicroPython interpreter: the shared protocol
 * vector table (one test per row, the same rows test/protocol checks in
 * TypeScript), and the BME280 / BH1750 drivers against the reference cases,
 * both as pure maths and through register-level chip models.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmwareRig, ROOT, q } from './harness.ts';

const SENSORS = join(ROOT, 'test/fixtures/sensors');
const rig = await FirmwareRig.create(7);
rig.writeFile('/fixtures/protocol-vectors.json', readFileSync(join(ROOT, 'test/fixtures/protocol-vectors.json'), 'utf8'));
rig.writeFile('/fixtures/bme.json', readFileSync(join(SENSORS, 'bme280_cases_ds_example.json'), 'utf8'));
rig.writeFile('/fixtures/bh.json', readFileSync(join(SENSORS, 'bh1750_cases.json'), 'utf8'));
rig.py('import checks');

type Results = Record<string, string[]>;
const protocol = rig.json<Results>(`checks.protocol(${q('/fixtures/protocol-vectors.json')})`);
const bmeMaths = rig.json<Results>(`checks.bme_maths(${q('/fixtures/bme.json')})`);
const bmeDriver = rig.json<Results & { crashes: string[]; measurements: number; writes: string[] }>(
  `checks.bme_driver(${q('/fixtures/bme.json')})`,
);
const bhCases = rig.json<Results>(`checks.bh_cases(${q('/fixtures/bh.json')})`);
const bhDriver = rig.json<Results & { crashes: string[]; writes: string[] }>(`checks.bh_driver(${q('/fixtures/bh.json')})`);

const vectors = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/protocol-vectors.json'), 'utf8')) as {
  messages: { name: string }[];
  lines: { name: string }[];
};

test('every row of the protocol vector table was checked in MicroPython', (t) => {
  t.is(Object.keys(protocol).length, vectors.messages.length + vectors.lines.length);
});
for (const [name, problems] of Object.entries(protocol)) {
  test(`espnow_proto ${name}`, (t) => t.deepEqual(problems, []));
}

test('bme280 parses the datasheet-example calibration (signed H4/H5 nibbles, unsigned T1/P1/H1/H3)', (t) => {
  t.deepEqual(bmeMaths.calibration, []);
});
for (const [id, problems] of Object.entries(bmeMaths)) {
  if (id === 'calibration') continue;
  test(`bme280 integer compensation matches datasheet.int: ${id}`, (t) => t.deepEqual(problems, []));
}
test('bme280 compensation covered the cases without C overflow', (t) => {
  t.true(Object.keys(bmeMaths).length >= 220);
});

test('bme280 driver reads every reference case through the register model, rejecting skipped values', (t) => {
  t.deepEqual(bmeDriver.crashes, []);
  const failing = Object.entries(bmeDriver).filter(([id, v]) => id.includes('/') && (v as string[]).length > 0);
  t.deepEqual(failing, []);
  t.is(bmeDriver.measurements, 227);
});

test('bme280 driver resets, then writes ctrl_hum before ctrl_meas and starts forced x1/x1/x1 (0x25)', (t) => {
  // e0b6 reset; then the calibration pointer writes; then f424 (sleep), f201, f500, f425 (forced)
  t.is(bmeDriver.writes[0], 'd0');
  t.is(bmeDriver.writes[1], 'e0b6');
  const settings = bmeDriver.writes.filter((w) => w.length === 4 && w !== 'e0b6').slice(0, 4);
  t.deepEqual(settings, ['f424', 'f201', 'f500', 'f425']);
});

for (const [id, problems] of Object.entries(bhCases)) {
  test(`bh1750 conversion matches the reference: ${id}`, (t) => t.deepEqual(problems, []));
}

test('bh1750 driver: one opcode per transaction, power on then one-time H-resolution, result after the wait', (t) => {
  t.deepEqual(bhDriver.crashes, []);
  const failing = Object.entries(bhDriver).filter(([id, v]) => id.includes('/') && (v as string[]).length > 0);
  t.deepEqual(failing, []);
  t.true(bhDriver.writes.every((w) => w.length === 2));
  t.deepEqual(bhDriver.writes.slice(0, 3), ['01', '01', '20']);
});

test('bme280 raises OSError when no chip answers or the chip id is a BMP280', (t) => {
  rig.py(`
import sim, bme280
from chips import Bme280Chip
_w = sim.world()
_d = _w.add("bench-missing", b"\\x02\\0\\0\\0\\0\\x03", "/")
_d.i2c[(26, 25)] = {0x76: Bme280Chip(bytes(26), bytes(7), chip_id=0x58)}
_out = []
def _try(addr):
    from machine import I2C, Pin
    try:
        bme280.BME280(I2C(0, scl=Pin(26), sda=Pin(25)), addr)
        _out.append("ok")
    except OSError as e:
        _out.append("OSError %d" % e.args[0])
_w.call(_d, _try, 0x76)
_w.call(_d, _try, 0x77)
`);
  t.deepEqual(rig.json<string[]>('__import__("json").dumps(_out)'), ['OSError 19', 'OSError 19']);
});
