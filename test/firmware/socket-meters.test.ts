/**
 * The socket node's meters and expander in the real interpreter: the mains
 * meter (ACS712 + ZMPT101B on two ADC pins) against waveforms of known RMS and
 * phase; the INA219 / INA3221 / MCP23017 drivers against their register
 * models; and a 16-outlet PDU (four INA3221 and four INA219 on two buses,
 * relays on an MCP23017, a DHT11) end to end through the broker.
 */
import test from 'ava';
import { encodeMessage, encodeTx, KIND, STATUS_BITS } from '../../src/protocol/index.ts';
import { FirmwareRig, type SocketWiring } from './harness.ts';
import { SOCKET, setDht, socketRx, socketWorld } from './socket-fixture.ts';

const MAINS = { type: 'mains', voltage_pin: 39, current_pin: 36, v_zero_mv: 1650, volts_per_mv: 0.325, i_zero_mv: 1650, mv_per_a: 123.3, hz: 50 };

/** Stated accuracy of the mains meter (micropython/README.md): 1 % of the reading for V and A, 1 % of V x A for W. */
const SHARE = 0.01;

const cases = [
  { name: 'resistive 230 V 4 A', v: 230, a: 4, phase: 0 },
  { name: 'inductive 230 V 4 A, current 60 deg behind (PF 0.5)', v: 230, a: 4, phase: 60 },
  { name: 'capacitive 230 V 2 A, current 30 deg ahead', v: 230, a: 2, phase: -30 },
  { name: 'motor 240 V 8 A, 37 deg behind (PF 0.8)', v: 240, a: 8, phase: 37 },
  { name: 'small load 230 V 0.5 A', v: 230, a: 0.5, phase: 0 },
];

const mainsRig = await FirmwareRig.create(2);
mainsRig.addSocket('s1', SOCKET, { channels: [{ relay: { pin: 16 }, meter: MAINS }] }, undefined);
mainsRig.py(`
import json
def _mains():
    from machine import ADC, Pin
    from mains_meter import MainsMeter
    m = MainsMeter(ADC(Pin(39), atten=ADC.ATTN_11DB), ADC(Pin(36), atten=ADC.ATTN_11DB), 1650, 0.325, 1650, 123.3, 50)
    return json.dumps(m.read())
`);

for (const c of cases) {
  test(`mains meter, ${c.name}: true RMS and real power within the stated error`, (t) => {
    mainsRig.setLoad('s1', 1, c.v, c.a, c.phase, true);
    const [v, a, w] = mainsRig.json<[number, number, number]>(`rig.W.call(rig.W.devices["s1"], _mains)`);
    const p = c.v * c.a * Math.cos((c.phase * Math.PI) / 180);
    t.true(Math.abs(v - c.v) <= SHARE * c.v, `V ${v}`);
    t.true(Math.abs(a - c.a) <= SHARE * c.a, `A ${a}`);
    t.true(Math.abs(w - p) <= SHARE * c.v * c.a, `W ${w} vs ${p.toFixed(1)}`);
    t.log(`errors: V ${((v / c.v - 1) * 100).toFixed(3)} %, A ${((a / c.a - 1) * 100).toFixed(3)} %, W ${(((w - p) / (c.v * c.a)) * 100).toFixed(3)} % of VA`);
  });
}

test('mains meter samples whole cycles: the same reading whatever the phase the sampling starts at', (t) => {
  mainsRig.setLoad('s1', 1, 230, 4, 60, true);
  const got = [0, 3, 7, 11].map((ms) => {
    mainsRig.runFor(ms);
    return mainsRig.json<[number, number, number]>(`rig.W.call(rig.W.devices["s1"], _mains)`)[2];
  });
  t.true(Math.max(...got) - Math.min(...got) < 0.002 * 920, `${got}`);
});

test('INA219 driver: resets, checks the power-on configuration, writes the calibration from the shunt (Cal = 0.04096 / (LSB x R))', (t) => {
  const rig = mainsRig;
  rig.py(`
import sim
from power_chips import Ina219Chip
_b = rig.W.add("bench219", b"\\x02\\0\\0\\0\\0\\x19", "/")
_chip = Ina219Chip(0.1)
_chip.bus_v, _chip.current_a = 12.0, -1.5
_b.i2c[(22, 21)] = {0x40: _chip}
def _ina():
    from machine import I2C, Pin
    from ina219 import INA219
    m = INA219(I2C(0, scl=Pin(22), sda=Pin(21)), 0x40, 100, 3200)
    return json.dumps([m.cal, m.lsb_ua, m.read(), [w.hex() for w in _chip.writes if len(w) == 3]])
`);
  const [cal, lsb, reading, writes] = rig.json<[number, number, [number, number, number], string[]]>('rig.W.call(_b, _ina)');
  t.deepEqual([cal, lsb], [4178, 98]);
  t.deepEqual(writes, ['008000', '05' + (4178).toString(16).padStart(4, '0')]);
  t.is(reading[0], 12000);
  t.true(Math.abs(reading[1] + 1_500_000) < 1_500_000 * 0.001, `current ${reading[1]} uA`);
  t.true(Math.abs(reading[2] - 18_000_000) < 18_000_000 * 0.001, `power ${reading[2]} uW (the chip's power is unsigned)`);
});

test('INA3221 and MCP23017 drivers: ids checked, three inputs read, the latch written before the direction', (t) => {
  const rig = mainsRig;
  rig.py(`
from power_chips import Ina3221Chip, Mcp23017Chip
_c = rig.W.add("bench3221", b"\\x02\\0\\0\\0\\0\\x32", "/")
_ina = Ina3221Chip((0.1, 0.05, 0.01))
_ina.bus_v, _ina.current_a = [5.0, 12.0, 24.0], [0.5, -1.2, 8.0]
_io = Mcp23017Chip()
_c.i2c[(22, 21)] = {0x41: _ina, 0x20: _io}
def _bench():
    from machine import I2C, Pin
    from ina3221 import INA3221
    from mcp23017 import MCP23017
    bus = I2C(0, scl=Pin(22), sda=Pin(21))
    m = INA3221(bus, 0x41)
    got = [m.read(1, 100), m.read(2, 50), m.read(3, 10)]
    io = MCP23017(bus, 0x20)
    io.output(3, 1)
    io.output(12, 1)
    io.output(3, 0)
    return json.dumps([got, [w.hex() for w in _io.writes if len(w) > 1], [_io.level(p) for p in (3, 12, 0)]])
`);
  const [got, writes, levels] = rig.json<[[number, number, number][], string[], (number | null)[]]>('rig.W.call(_c, _bench)');
  t.deepEqual(got, [[5000, 500_000, 2_500_000], [12000, -1_200_000, -14_400_000], [24000, 8_000_000, 192_000_000]]);
  t.deepEqual(writes, ['140800', '00f7ff', '140810', '00f7ef', '140010'], 'OLAT then IODIR');
  t.deepEqual(levels, [0, 1, null]);
});

/** A 16-outlet PDU: 12 INA3221 inputs (0x40-0x43) on bus 0, 4 INA219 (0x40-0x43) on bus 1, relays on an MCP23017, a DHT11. */
const PDU: SocketWiring = {
  i2c: [{ scl: 22, sda: 21 }, { scl: 26, sda: 25 }],
  expanders: [{ bus: 0, addr: 0x20 }],
  dht: { pin: 4, type: 'dht11' },
  channels: Array.from({ length: 16 }, (_, i) => ({
    relay: { expander: 0, pin: i, active_low: true },
    meter: (i < 12
      ? { type: 'ina3221', bus: 0, addr: 0x40 + Math.floor(i / 3), input: (i % 3) + 1, shunt_mohm: 50 }
      : { type: 'ina219', bus: 1, addr: 0x40 + i - 12, shunt_mohm: 50, max_ma: 6000 }) as Record<string, number | string>,
  })),
};

test('16-outlet PDU: HELLO and REPORT split over several messages that each decode; a COMMAND switches outlet 16 on the MCP23017', async (t) => {
  const rig = await socketWorld(PDU);
  for (let n = 1; n <= 16; n += 1) rig.setLoad('s1', n, 12, n / 10);
  setDht(rig, 21.3, 49.6);
  rig.bootSocket('s1');
  rig.runFor(1000);
  const rx = socketRx(rig);
  const hellos = rx.filter((r) => r.view.kind === 'HELLO');
  const reports = rx.filter((r) => r.view.kind === 'REPORT');
  t.true(hellos.length >= 2 && reports.length >= 2, `${hellos.length} HELLOs, ${reports.length} REPORTs`);
  t.true(rx.every((r) => r.message.unknownRecords === 0 && r.message.invalidRecords === 0));
  t.deepEqual(hellos.flatMap((h) => h.view.channels.map((c) => c.channel)), Array.from({ length: 16 }, (_, i) => i + 1));
  t.deepEqual(reports.flatMap((r) => r.view.channels.map((c) => c.channel)), Array.from({ length: 16 }, (_, i) => i + 1));
  t.true(reports.every((r) => r.view.values.temperature === 21 && r.view.values.humidity === 50), 'DHT11: whole degrees and %RH in every part');
  t.deepEqual(rig.socketState('s1').relays, Array(16).fill(0), 'active-low relays held off from boot');
  const payload = encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: 1, records: [{ type: 0x51, raw: 11 }, { type: 0x0f, raw: 16 }, { type: 0x14, raw: 1 }] });
  rig.feed('broker', `${encodeTx(11, SOCKET, payload)}\n`);
  rig.runFor(1500);
  t.deepEqual(rig.socketState('s1').relays, [...Array(15).fill(0), 1]);
  t.is(rig.str('rig.W.devices["s1"].expanders[0].level(15)'), '0', 'active low: GPB7 pulled low');
  const last = socketRx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!;
  t.deepEqual(last.view.channels.map((c) => [c.channel, c.relay, c.voltage, c.current]), [[16, true, 12, 1.6]]);
  rig.runFor(60_000);
  const full = socketRx(rig).filter((r) => r.view.kind === 'REPORT').slice(-3).flatMap((r) => r.view.channels);
  const ch5 = full.find((c) => c.channel === 5);
  t.deepEqual(ch5 && [ch5.relay, ch5.current], [false, 0], 'outlets that are off draw nothing');
  t.deepEqual(rig.socketState('s1').crashes, []);
});

test('DHT that stops answering: status bit 0, temperature and humidity left out, relays untouched', async (t) => {
  const rig = await socketWorld();
  rig.bootSocket('s1');
  rig.runFor(1000);
  rig.py('rig.W.devices["s1"].dht = {}');
  rig.runFor(61_000);
  const last = socketRx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!;
  t.is(last.view.values.status, STATUS_BITS.ENV_FAILED);
  t.is(last.view.values.temperature, undefined);
  t.is(last.view.values.humidity, undefined);
});

test('socket.json problems are reported together, each naming the file and key; no relay is switched and nothing is sent', async (t) => {
  const rig = await socketWorld({
    i2c: [{ scl: 22, sda: 21 }],
    channels: [
      { relay: { pin: 16 }, meter: { type: 'ina220', bus: 0 } },
      { relay: { expander: 2, pin: 17 } },
      { relay: { pin: 18 }, meter: { type: 'ina219', bus: 3, addr: 0x40, shunt_mohm: 100 } },
      { relay: { pin: 19 }, max_w: 100 },
    ],
  });
  rig.bootSocket('s1');
  rig.runFor(1000);
  const crash = rig.socketState('s1').crashes.join('\n');
  for (const want of ["socket.json: channels[0].meter.type: 'ina220' is not one of", 'socket.json: channels[1].relay.expander', 'socket.json: channels[1].relay.pin: 17 is not a number in 0..15', 'socket.json: channels[2].meter.bus', 'socket.json: channels[3].max_w: needs a meter']) {
    t.true(crash.includes(want), want);
  }
  t.deepEqual(rig.frames(), []);
  t.deepEqual(rig.socketState('s1').relays, [null, null, null, null], 'no relay pin was driven');
});

test('a mains socket end to end: a kettle behind the relay reported in volts, amps and watts; energy counted on the node', async (t) => {
  const rig = await socketWorld({ channels: [{ relay: { pin: 16 }, meter: MAINS }], interval_s: 10 });
  rig.setLoad('s1', 1, 230, 8.7);
  rig.bootSocket('s1');
  rig.runFor(1000);
  const payload = encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: 1, records: [{ type: 0x51, raw: 1 }, { type: 0x0f, raw: 1 }, { type: 0x14, raw: 1 }] });
  rig.feed('broker', `${encodeTx(1, SOCKET, payload)}\n`);
  rig.runFor(25_000);
  const last = socketRx(rig).filter((r) => r.view.kind === 'REPORT').at(-1)!.view.channels[0];
  t.true(Math.abs(last.voltage! - 230) < 2.3 && Math.abs(last.current! - 8.7) < 0.087 && Math.abs(last.power! - 2001) < 20, JSON.stringify(last));
  const ch = rig.socketState('s1').channels![0];
  const wh = ch.wh + ch.acc / 36e6;
  t.true(Math.abs(wh - (2001 * 25) / 3600) < 2001 / 3600 * 1.5, `${wh} Wh in about 25 s at 2 kW`);
});
