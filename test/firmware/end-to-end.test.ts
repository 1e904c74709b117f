/**
 * End to end in the real MicroPython interpreter: several node firmwares ->
 * a lossy, delaying, duplicating simulated air -> the broker firmware -> the
 * bytes on its UART -> the gateway's TypeScript decoder, which must yield
 * exactly the readings the fake sensors held.
 */
import test from 'ava';
import { BME_CASES, FirmwareRig } from './harness.ts';
import { uartEvents } from './uart-events.ts';

const BROKER = 'a0b1c2d3e4f5';
const usable = BME_CASES.cases.filter((c) => c.kind === 'random' && c.flags.length === 0);

interface Fixture { name: string; mac: string; bme: (typeof usable)[number]; lux: number; volts: number }
const nodes: Fixture[] = [0, 1, 2, 3].map((i) => ({
  name: `n${i}`,
  mac: `a2b2c2d2e2${(0xf0 + i).toString(16)}`,
  bme: usable[i * 37],
  lux: [0, 1, 4242, 65535][i],
  volts: [3.7, 4.12, 3.95, 3.61][i],
}));

/** What the gateway must see: the firmware's rounding of the datasheet integer outputs. */
function expected(f: Fixture) {
  const d = f.bme.datasheet.int;
  return {
    temperature: d.T_centi_degC / 100,
    humidity: ((d.H_q22_10 * 100 + 512) >> 10) / 100,
    pressure: Math.floor((d.P64_q24_8 + 128) / 256) / 100,
    illuminance: Math.round((f.lux * 1000) / 12) / 100,
    battery: Math.round(f.volts * 1000) / 1000,
  };
}

test('four nodes over a lossy air: every report the gateway decodes holds exactly what the sensors held', async (t) => {
  const rig = await FirmwareRig.create(11);
  rig.addBroker('broker', BROKER);
  for (const [i, f] of nodes.entries()) {
    rig.addNode(f.name, f.mac, { broker: BROKER, channel: 1 });
    rig.setEnv(f.name, f.bme.regs_F7_FE);
    rig.setLightRaw(f.name, f.lux);
    rig.setBattery(f.name, f.volts);
    rig.powerOn(f.name, 1000 + i * 7919);
  }
  rig.py('rig.W.loss = 0.15\nrig.W.dup = 0.1\nrig.W.delay = (1, 25)');
  rig.runFor(6 * 300_000);

  const { rx, events, console } = uartEvents(rig.uartText('broker'));
  t.deepEqual(console, []);
  for (const f of nodes) t.deepEqual(rig.summary(f.name).crashes, [], f.name);
  t.deepEqual(rig.summary('broker').crashes, []);

  const keys = rx.map((r) => `${r.mac}/${r.message.boot}/${r.message.seq}`);
  t.is(new Set(keys).size, keys.length, 'no message reaches the gateway twice');

  for (const f of nodes) {
    const mine = rx.filter((r) => r.mac === f.mac && r.view.kind === 'REPORT');
    t.true(mine.length >= 5, `${f.name}: ${mine.length} reports`);
    const want = expected(f);
    for (const r of mine) {
      const { temperature, humidity, pressure, illuminance, battery } = r.view.values;
      t.deepEqual({ temperature, humidity, pressure, illuminance, battery }, want, f.name);
    }
    const dbl = f.bme.datasheet.double;
    t.true(Math.abs(want.temperature - dbl.T_degC) <= 0.011, `${f.name} T ${want.temperature} vs ${dbl.T_degC}`);
    t.true(Math.abs(want.pressure * 100 - dbl.P_Pa) <= 1, `${f.name} P`);
    t.true(Math.abs(want.humidity - dbl.H_pct) <= 0.011, `${f.name} H`);
    const seqs = mine.map((r) => r.message.seq);
    t.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${f.name}: in order`);
  }
  const retransmitted = rx.some((r) => (r.view.values.retries ?? 0) > 0);
  t.true(retransmitted, 'the lossy air made some node retransmit');
  const hb = events.filter((e) => e.type === 'hb').at(-1);
  t.truthy(hb);
});
