import { FORMAT_RANGE, KIND, PROTOCOL_VERSION, RECORD_BY_NAME, type Message, type MessageRecord, type RecordName } from '../../protocol/index.ts';
import type { ChannelReading, PowerMeterReport } from './power-meter-schema.ts';
import { UdpMeterError } from './udp-meter-error.ts';

/** Most channels one datagram may carry (a 16-outlet PDU with room to spare). */
export const MAX_METER_CHANNELS = 64;

/** A datagram as the gateway takes it in: what a radio message from `mac` heard with `rssi` would be. */
export interface MeterMessage {
  /** 12 lower-case hex digits. */
  readonly mac: string;
  /** dBm, when the meter said. */
  readonly rssi?: number;
  /** A REPORT with records 0x08, 0x0f, 0x10-0x14 in wire units. */
  readonly message: Message;
}

/**
 * A record of `name` for `value` in display units (V, A, W, Wh, s), scaled
 * to its wire unit and rounded to the wire's resolution; throws `range` when
 * the record's wire format cannot carry it.
 */
function toRecord(name: RecordName, value: number, field: string, unit: string): MessageRecord {
  const spec = RECORD_BY_NAME.get(name)!;
  const raw = Math.round(value * spec.divisor);
  const [min, max] = FORMAT_RANGE[spec.format as keyof typeof FORMAT_RANGE];
  if (!Number.isFinite(value) || raw < min || raw > max) {
    throw new UdpMeterError('range', `${field}: ${value}${unit ? ` ${unit}` : ''} is outside ${min / spec.divisor}..${max / spec.divisor}${unit ? ` ${unit}` : ''}`);
  }
  return { type: spec.type, name, raw };
}

function channelRecords(c: ChannelReading, i: number): MessageRecord[] {
  const at = `channels[${i}]`;
  const records = [toRecord('channel', c.channel, `${at}.channel`, '')];
  if (c.voltageV !== undefined) records.push(toRecord('voltage', c.voltageV, `${at}.voltage_v`, 'V'));
  if (c.currentA !== undefined) records.push(toRecord('current', c.currentA, `${at}.current_a`, 'A'));
  if (c.powerW !== undefined) records.push(toRecord('power', c.powerW, `${at}.power_w`, 'W'));
  if (c.energyWh !== undefined) records.push(toRecord('energy', c.energyWh, `${at}.energy_wh`, 'Wh'));
  if (c.relay !== undefined) records.push(toRecord('relay', c.relay ? 1 : 0, `${at}.relay`, ''));
  return records;
}

function counter(value: number, field: string): number {
  if (value > 0xffff) throw new UdpMeterError('range', `${field}: ${value} is outside 0..65535`);
  return value;
}

/**
 * Maps one decoded datagram to the radio REPORT a power meter on ESP-NOW
 * would send with the same values (docs/power-meter.proto), so that it takes
 * the same path: node registry (duplicates, losses), points, bus, metrics.
 * Pure; throws {@link UdpMeterError} (`mac` or `range`) naming the field.
 */
export function meterReportToMessage(report: PowerMeterReport): MeterMessage {
  const mac = Buffer.from(report.mac);
  if (mac.length !== 6) throw new UdpMeterError('mac', `mac: ${mac.length} bytes, expected 6 (the meter's station MAC)`);
  if (mac.every((b) => b === 0) || mac.every((b) => b === 0xff)) throw new UdpMeterError('mac', `mac: ${mac.toString('hex')} is not a station MAC`);
  if (report.channels.length === 0) throw new UdpMeterError('range', 'channels: empty; a report needs at least one channel');
  if (report.channels.length > MAX_METER_CHANNELS) throw new UdpMeterError('range', `channels: ${report.channels.length}, at most ${MAX_METER_CHANNELS}`);
  if (report.rssiDbm !== undefined && (report.rssiDbm < -128 || report.rssiDbm > 0)) {
    throw new UdpMeterError('range', `rssi_dbm: ${report.rssiDbm} dBm is outside -128..0 dBm`);
  }
  const records: MessageRecord[] = [];
  if (report.intervalS !== undefined) {
    if (report.intervalS < 1) throw new UdpMeterError('range', 'interval_s: 0 s; leave it unset or give 1..65535 s');
    records.push(toRecord('interval', report.intervalS, 'interval_s', 's'));
  }
  report.channels.forEach((c, i) => records.push(...channelRecords(c, i)));
  return {
    mac: mac.toString('hex'),
    ...(report.rssiDbm === undefined ? {} : { rssi: report.rssiDbm }),
    message: {
      version: PROTOCOL_VERSION, kind: KIND.REPORT,
      boot: counter(report.boot, 'boot'), seq: counter(report.seq, 'seq'),
      records, unknownRecords: 0, invalidRecords: 0,
    },
  };
}
