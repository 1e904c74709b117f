import test from 'ava';
import { DEMO_STRIPS, seededRandom } from '../../src/demo/demo-nodes.ts';
import { SimulatedPowerStrip } from '../../src/demo/simulated-power-strip.ts';
import {
  CAPABILITY_BITS, decodeMessage, encodeMessage, interpret, KIND, MAX_MESSAGE_BYTES, OUTCOME, record, STATUS_BITS,
  type MessageView, type RecordDraft,
} from '../../src/protocol/index.ts';

const SPEC = DEMO_STRIPS[0];
const allOn = { ...SPEC, outlets: SPEC.outlets.map((o) => ({ ...o, on: true })) };

/** Decodes with the gateway's codec and insists every record is known and valid. */
function view(t: { is: (a: unknown, b: unknown, m?: string) => void; true: (v: boolean, m?: string) => void }, payload: Buffer): MessageView {
  t.true(payload.length <= MAX_MESSAGE_BYTES, 'at most 250 bytes');
  const message = decodeMessage(payload);
  t.is(message.unknownRecords + message.invalidRecords, 0, 'every record known and valid');
  return interpret(message);
}

const command = (id: number, records: RecordDraft[]): Buffer =>
  encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id, records: [record('commandId', id), ...records] });

test('the strip starts with a HELLO (power meter, relay, listening; 8 channels with their settings) and a full REPORT', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(1));
  t.false(strip.listening);
  const [hello, report, ...rest] = strip.advance(0, 0.5).map((p) => view(t, p));
  t.deepEqual(rest, []);
  t.true(strip.listening);
  t.is(hello.kind, 'HELLO');
  t.is(hello.values.capabilities, CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING);
  t.is(hello.values.interval, 10);
  t.deepEqual(hello.channels.map((c) => c.channel), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.deepEqual(hello.channels[0], { channel: 1, powerOnState: 2, currentLimit: 0, humidityLimit: 0 });
  t.is(report.kind, 'REPORT');
  t.is(report.values.status, STATUS_BITS.FIRST_AFTER_BOOT);
  t.deepEqual(report.channels.map((c) => c.relay), SPEC.outlets.map((o) => o.on));
});

test('every outlet draws what its appliance would, at about 230 V, with current = P / V / pf and energy that never goes backwards', (t) => {
  const strip = new SimulatedPowerStrip(allOn, seededRandom(7));
  // W each load may draw: fridge, lamp, laptop, monitor, kettle, router, printer, heater
  const ranges = [[0.6, 300], [8.8, 9.2], [19, 66], [0.5, 26], [0, 2011], [7.7, 8.3], [2.8, 406], [0, 1508]];
  const seen = ranges.map(() => new Set<number>());
  const lastEnergy = SPEC.outlets.map((o) => o.energyWh ?? 0);
  for (let s = 0; s <= 600; s += 1) {
    for (const payload of strip.advance(s, (s / 600 + 0.3) % 1)) {
      const report = view(t, payload);
      if (report.kind !== 'REPORT') continue;
      for (const c of report.channels) {
        const i = c.channel - 1;
        const [min, max] = ranges[i];
        if (!(c.power! >= min && c.power! <= max)) t.fail(`channel ${c.channel}: ${c.power} W outside ${min}..${max}`);
        if (c.voltage! < 226.5 || c.voltage! > 233.5) t.fail(`channel ${c.channel}: ${c.voltage} V`);
        const expectedA = c.power! / c.voltage! / strip.outlets[i].load.powerFactor;
        if (Math.abs(c.current! - expectedA) > 0.002) t.fail(`channel ${c.channel}: ${c.current} A, expected ${expectedA}`);
        if (c.energy! < lastEnergy[i]) t.fail(`channel ${c.channel}: energy went back from ${lastEnergy[i]} to ${c.energy}`);
        lastEnergy[i] = c.energy!;
        seen[i].add(Math.round(c.power! / 50));
      }
    }
  }
  for (const i of [0, 4, 6, 7]) t.true(seen[i].size > 1, `channel ${i + 1} (${strip.outlets[i].load.name}) cycles`);
  const heaterWh = lastEnergy[7] - (SPEC.outlets[7].energyWh ?? 0);
  t.true(heaterWh >= 145 && heaterWh <= 151, `the heater used ${heaterWh} Wh in 10 min (1500 W at 60 % duty: 150 Wh)`);
});

test('a relay command is answered by a RESULT (id, outcome, channel, relay) and a REPORT of that outlet only; off means 0 W', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(3));
  strip.advance(0, 0.5);
  const [result, report, ...rest] = strip.receive(command(5, [record('channel', 8), record('relay', 1)]), 0.5).map((p) => view(t, p));
  t.deepEqual(rest, []);
  t.is(result.kind, 'RESULT');
  t.deepEqual(result.values, { commandId: 5, outcome: OUTCOME.OK });
  t.deepEqual(result.channels, [{ channel: 8, relay: true }]);
  t.deepEqual(report.channels.map((c) => c.channel), [8]);
  t.true(report.channels[0].power! > 1400, 'the heater heats at once');
  const [, off] = strip.receive(command(6, [record('channel', 8), record('relay', 0)]), 1).map((p) => view(t, p));
  t.like(off.channels[0], { channel: 8, relay: false, power: 0, current: 0 });
});

test('auto-off opens the relay after its seconds and reports it at once', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(4));
  strip.advance(0, 0.5);
  strip.receive(command(9, [record('channel', 2), record('relay', 1), record('autoOff', 5)]), 0.2);
  const before = strip.advance(4.9, 0.5).flatMap((p) => view(t, p).channels).filter((c) => c.channel === 2);
  t.true(before.every((c) => c.relay === true));
  const after = strip.advance(6.2, 0.5).flatMap((p) => view(t, p).channels).filter((c) => c.channel === 2);
  t.like(after[0], { relay: false, power: 0 });
});

test('a repeated command id is answered again with the same RESULT, not run twice', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(5));
  strip.advance(0, 0.5);
  const first = view(t, strip.receive(command(11, [record('channel', 2), record('relay', 1)]), 1)[0]);
  strip.receive(command(12, [record('channel', 2), record('relay', 0)]), 2);
  const again = strip.receive(command(11, [record('channel', 2), record('relay', 1)]), 3).map((p) => view(t, p));
  t.deepEqual(again[0].channels, first.channels);
  t.is(again.length, 1, 'no REPORT: nothing switched');
  t.false(strip.outlets[1].on);
});

const OUTCOMES: [string, RecordDraft[], number, MessageView['channels']][] = [
  ['limits stored and echoed', [record('channel', 4), record('powerOnState', 1), record('currentLimit', 2000), record('humidityLimit', 6000)], OUTCOME.OK,
    [{ channel: 4, relay: true, powerOnState: 1, currentLimit: 2, humidityLimit: 60 }]],
  ['set interval', [record('setInterval', 30)], OUTCOME.OK, []],
  ['text on a strip without a display', [record('text', 'hi')], OUTCOME.UNSUPPORTED, []],
  ['leds', [record('leds', 1)], OUTCOME.UNSUPPORTED, []],
  ['channel 9 of 8', [record('channel', 9), record('relay', 1)], OUTCOME.INVALID, []],
  ['channel 0', [record('channel', 0), record('relay', 1)], OUTCOME.INVALID, []],
  ['relay 2', [record('channel', 1), record('relay', 2)], OUTCOME.INVALID, [{ channel: 1, relay: true }]],
  ['auto-off without a relay', [record('channel', 1), record('autoOff', 10)], OUTCOME.INVALID, [{ channel: 1, relay: true }]],
  ['power-on state 3', [record('channel', 1), record('powerOnState', 3)], OUTCOME.INVALID, [{ channel: 1, relay: true, powerOnState: 2, currentLimit: 0, humidityLimit: 0 }]],
  ['humidity limit over 100 %', [record('channel', 1), record('humidityLimit', 10_001)], OUTCOME.INVALID, [{ channel: 1, relay: true, powerOnState: 2, currentLimit: 0, humidityLimit: 0 }]],
  ['interval under 10 s', [record('setInterval', 5)], OUTCOME.INVALID, []],
  ['no action', [], OUTCOME.INVALID, []],
];

for (const [name, records, outcome, channels] of OUTCOMES) {
  test(`command outcome: ${name}`, (t) => {
    const strip = new SimulatedPowerStrip(allOn, seededRandom(6));
    strip.advance(0, 0.5);
    const [result] = strip.receive(command(20, records), 1).map((p) => view(t, p));
    t.deepEqual(result.values, { commandId: 20, outcome });
    t.deepEqual(result.channels, channels);
    if (name === 'set interval') t.is(strip.intervalS, 30);
    if (outcome !== OUTCOME.OK) t.is(strip.intervalS, 10, 'nothing changed');
  });
}

test('an unknown record in the COMMAND makes it unsupported and changes nothing', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(8));
  strip.advance(0, 0.5);
  const payload = command(21, [record('channel', 2), record('relay', 1), { type: 0xee, bytes: Buffer.from([1]) }]);
  const [result, ...rest] = strip.receive(payload, 1).map((p) => view(t, p));
  t.like(result.values, { commandId: 21, outcome: OUTCOME.UNSUPPORTED });
  t.deepEqual(rest, []);
  t.false(strip.outlets[1].on);
});

test('over the current limit for two readings the outlet trips (trip 1, status bit 6); a relay-on clears it', (t) => {
  const strip = new SimulatedPowerStrip(SPEC, seededRandom(9));
  strip.advance(0, 0.5);
  strip.receive(command(30, [record('channel', 5), record('currentLimit', 5000)]), 0.1);
  strip.receive(command(31, [record('channel', 5), record('relay', 1)]), 0.2);
  const tripped = strip.advance(1.5, 0.5).map((p) => view(t, p)).find((v) => v.channels.some((c) => c.channel === 5 && c.trip === 1));
  t.truthy(tripped, 'the kettle (8.7 A) tripped a 5 A limit');
  t.like(tripped!.channels.find((c) => c.channel === 5), { relay: false, trip: 1 });
  t.true((tripped!.values.status! & STATUS_BITS.TRIP_ACTIVE) !== 0);
  const [result] = strip.receive(command(32, [record('channel', 5), record('currentLimit', 0)]), 2).map((p) => view(t, p));
  t.deepEqual(result.channels, [{ channel: 5, relay: false, trip: 1, powerOnState: 2, currentLimit: 0, humidityLimit: 0 }]);
  const [on] = strip.receive(command(33, [record('channel', 5), record('relay', 1)]), 2.1).map((p) => view(t, p));
  t.deepEqual(on.channels, [{ channel: 5, relay: true, trip: 0 }], 'cleared, and said once');
});
