import test from 'ava';
import fc from 'fast-check';
import { meterReportToMessage, MAX_METER_CHANNELS } from '../../../src/control/udp-meters/meter-message.ts';
import { decodeReport, encodeReport, type PowerMeterReport } from '../../../src/control/udp-meters/power-meter-schema.ts';
import type { UdpInvalidReason } from '../../../src/control/metrics/metrics-snapshot.ts';
import { UdpMeterError } from '../../../src/control/udp-meters/udp-meter-error.ts';
import { decodeMessage, encodeMessage, interpret, record } from '../../../src/protocol/index.ts';
import { messageToPoints } from '../../../src/readings/index.ts';

const MAC = Buffer.from('a2b2c2d2e2f7', 'hex');
const report = (over: Partial<PowerMeterReport> = {}): PowerMeterReport => ({
  mac: MAC, boot: 2, seq: 41, rssiDbm: -58, intervalS: 10,
  channels: [{ channel: 1, voltageV: 230.12, currentA: -1.234, powerW: 2831.5, energyWh: 123_456, relay: true }, { channel: 2, voltageV: 229.5, relay: false }],
  ...over,
});

test('a datagram becomes the REPORT a radio power meter sends with the same values, and the same power points', (t) => {
  const meter = meterReportToMessage(decodeReport(encodeReport(report())));
  t.is(meter.mac, 'a2b2c2d2e2f7');
  t.is(meter.rssi, -58);
  const radio = decodeMessage(encodeMessage({
    kind: 0x01, boot: 2, seq: 41, records: [
      record('interval', 10),
      record('channel', 1), record('voltage', 23012), record('current', -1234), record('power', 28315), record('energy', 123_456), record('relay', 1),
      record('channel', 2), record('voltage', 22950), record('relay', 0),
    ],
  }));
  t.deepEqual(meter.message, radio);
  const ctx = { mac: meter.mac, room: 'Garage', gateway: 'pi', rssi: -58, lost: 0, timeUs: 1_700_000_000_000_000 };
  t.deepEqual(messageToPoints(meter.message, ctx), messageToPoints(radio, ctx));
  t.deepEqual(interpret(meter.message).channels[0], { channel: 1, voltage: 230.12, current: -1.234, power: 2831.5, energy: 123_456, relay: true });
});

test('fields the meter leaves unset make no record (proto3 optional), so no 0 is invented', (t) => {
  const meter = meterReportToMessage(decodeReport(encodeReport({ mac: MAC, boot: 0, seq: 0, channels: [{ channel: 3, powerW: 0 }] })));
  t.is(meter.rssi, undefined);
  t.deepEqual(meter.message.records.map((r) => [r.name, r.raw]), [['channel', 3], ['power', 0]]);
});

/** [case, report, reason, message fragment]. */
const REFUSED: Array<[string, PowerMeterReport, UdpInvalidReason, string]> = [
  ['a 5-byte MAC', report({ mac: MAC.subarray(0, 5) }), 'mac', 'mac: 5 bytes, expected 6'],
  ['no MAC', report({ mac: Buffer.alloc(0) }), 'mac', 'mac: 0 bytes'],
  ['an all-zero MAC', report({ mac: Buffer.alloc(6) }), 'mac', 'not a station MAC'],
  ['the broadcast MAC', report({ mac: Buffer.alloc(6, 0xff) }), 'mac', 'not a station MAC'],
  ['no channels', report({ channels: [] }), 'range', 'channels: empty'],
  ['too many channels', report({ channels: Array.from({ length: MAX_METER_CHANNELS + 1 }, (_, i) => ({ channel: i })) }), 'range', `at most ${MAX_METER_CHANNELS}`],
  ['channel 256', report({ channels: [{ channel: 256 }] }), 'range', 'channels[0].channel: 256 is outside 0..255'],
  ['700 V', report({ channels: [{ channel: 1 }, { channel: 2, voltageV: 700 }] }), 'range', 'channels[1].voltage_v: 700 V is outside 0..655.35 V'],
  ['negative voltage', report({ channels: [{ channel: 1, voltageV: -1 }] }), 'range', 'channels[0].voltage_v: -1 V'],
  ['NaN power', report({ channels: [{ channel: 1, powerW: Number.NaN }] }), 'range', 'channels[0].power_w: NaN W'],
  ['infinite current', report({ channels: [{ channel: 1, currentA: Number.POSITIVE_INFINITY }] }), 'range', 'channels[0].current_a: Infinity A'],
  ['boot 70000', report({ boot: 70_000 }), 'range', 'boot: 70000 is outside 0..65535'],
  ['seq 65536', report({ seq: 65_536 }), 'range', 'seq: 65536'],
  ['interval 0', report({ intervalS: 0 }), 'range', 'interval_s: 0 s'],
  ['interval 70000', report({ intervalS: 70_000 }), 'range', 'interval_s: 70000 s is outside 0..65535 s'],
  ['RSSI +5 dBm', report({ rssiDbm: 5 }), 'range', 'rssi_dbm: 5 dBm is outside -128..0 dBm'],
];

for (const [name, bad, reason, fragment] of REFUSED) {
  test(`refused, ${reason}: ${name}`, (t) => {
    const error = t.throws(() => meterReportToMessage(bad), { instanceOf: UdpMeterError });
    t.is(error?.reason, reason);
    t.is(error?.code, `UDP_METER_${reason.toUpperCase()}`);
    t.false(error?.retryable);
    t.true(error?.message.includes(fragment), error?.message);
  });
}

test('property: any bytes either become a valid REPORT or are refused with a UdpMeterError reason (never another error)', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    let report: PowerMeterReport;
    try {
      report = decodeReport(bytes);
    } catch {
      return true;
    }
    try {
      const meter = meterReportToMessage(report);
      return meter.mac.length === 12 && encodeMessage({ ...meter.message, records: meter.message.records.slice(0, 20) }).length > 0;
    } catch (error) {
      return error instanceof UdpMeterError;
    }
  }), { numRuns: 2000 });
  t.pass();
});

test('property: every report within the ranges round-trips to the values the radio records can carry', (t) => {
  const channel = fc.record({
    channel: fc.integer({ min: 0, max: 255 }),
    voltageV: fc.option(fc.integer({ min: 0, max: 65535 }).map((v) => v / 100), { nil: undefined }),
    energyWh: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
    relay: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ['channel'] });
  fc.assert(fc.property(fc.uniqueArray(channel, { minLength: 1, maxLength: 8, selector: (c) => c.channel }), fc.integer({ min: 0, max: 65535 }), (channels, seq) => {
    const meter = meterReportToMessage(decodeReport(encodeReport({ mac: MAC, boot: 1, seq, channels })));
    const values = interpret(meter.message).channels;
    return channels.every((c) => {
      const v = values.find((x) => x.channel === c.channel);
      return c.voltageV === undefined || Math.abs((v?.voltage ?? -1) - c.voltageV) < 0.006;
    });
  }), { numRuns: 300 });
  t.pass();
});
