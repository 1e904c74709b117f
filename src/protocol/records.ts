/**
 * The record table of protocol section 1, as data: the decoder, the encoder,
 * the typed view and docs/protocol.md all read it from here.
 */

/** Message kinds (header byte 1). */
export const KIND = {
  REPORT: 0x01,
  HELLO: 0x02,
  RESULT: 0x03,
  RECEIPT: 0x04,
  COMMAND: 0x81,
} as const;

/** Name of a kind this side knows. */
export type KindName = keyof typeof KIND;

/** How a record's value is stored on the wire. Integers are little-endian. */
export type ValueFormat = 'u8' | 'u16' | 'i16' | 'u32' | 'i32' | 'utf8';

/** One row of the record table. */
export interface RecordSpec {
  /** The type byte. */
  readonly type: number;
  /** Stable name, also the key of the typed view and of InfluxDB fields. */
  readonly name: RecordName;
  /** Wire format of the value. */
  readonly format: ValueFormat;
  /** Scaled value = raw / divisor; 1 for values used as they are. */
  readonly divisor: number;
  /** Unit of the scaled value (what the gateway stores and shows); '' when none. */
  readonly unit: string;
  /** Unit and scale of the raw wire value, as written in the protocol table. */
  readonly wire: string;
  /** Kinds whose body may carry this record. */
  readonly kinds: readonly KindName[];
  /** `channel` when the record describes the channel selected by the last 0x0f record. */
  readonly scope: 'message' | 'channel';
}

/** Every record name of protocol version 1. */
export type RecordName =
  | 'temperature' | 'humidity' | 'pressure' | 'illuminance' | 'battery' | 'status' | 'awake' | 'interval'
  | 'retries' | 'channel' | 'voltage' | 'current' | 'power' | 'energy' | 'relay' | 'firmware' | 'capabilities'
  | 'time' | 'commandId' | 'outcome' | 'setInterval';

const row = (
  type: number, name: RecordName, format: ValueFormat, divisor: number, unit: string, wire: string,
  kinds: readonly KindName[], scope: 'message' | 'channel' = 'message',
): RecordSpec => ({ type, name, format, divisor, unit, wire, kinds, scope });

/** The table, in type order. */
export const RECORDS: readonly RecordSpec[] = [
  row(0x01, 'temperature', 'i16', 100, 'degC', '0.01 degC', ['REPORT']),
  row(0x02, 'humidity', 'u16', 100, '%RH', '0.01 %RH', ['REPORT']),
  row(0x03, 'pressure', 'u32', 100, 'hPa', 'Pa', ['REPORT']),
  row(0x04, 'illuminance', 'u32', 100, 'lx', '0.01 lx', ['REPORT']),
  row(0x05, 'battery', 'u16', 1000, 'V', 'mV', ['REPORT']),
  row(0x06, 'status', 'u16', 1, '', 'bit flags', ['REPORT', 'HELLO']),
  row(0x07, 'awake', 'u16', 1, 'ms', 'ms', ['REPORT']),
  row(0x08, 'interval', 'u16', 1, 's', 's', ['REPORT', 'HELLO']),
  row(0x09, 'retries', 'u8', 1, '', 'count, 255 = never acknowledged', ['REPORT']),
  row(0x0f, 'channel', 'u8', 1, '', 'index', ['REPORT', 'COMMAND', 'RESULT']),
  row(0x10, 'voltage', 'u16', 100, 'V', '0.01 V', ['REPORT'], 'channel'),
  row(0x11, 'current', 'i32', 1000, 'A', 'mA', ['REPORT'], 'channel'),
  row(0x12, 'power', 'i32', 10, 'W', '0.1 W', ['REPORT'], 'channel'),
  row(0x13, 'energy', 'u32', 1, 'Wh', 'Wh', ['REPORT'], 'channel'),
  row(0x14, 'relay', 'u8', 1, '', '0 off, 1 on', ['REPORT', 'COMMAND', 'RESULT'], 'channel'),
  row(0x40, 'firmware', 'utf8', 1, '', 'UTF-8, 1..32 bytes', ['HELLO']),
  row(0x41, 'capabilities', 'u16', 1, '', 'bit flags', ['HELLO']),
  row(0x50, 'time', 'u32', 1, 's', 'Unix seconds (UTC)', ['RECEIPT']),
  row(0x51, 'commandId', 'u16', 1, '', 'id', ['COMMAND', 'RESULT']),
  row(0x52, 'outcome', 'u8', 1, '', '0 ok, 1 unsupported, 2 invalid, 3 failed', ['RESULT']),
  row(0x53, 'setInterval', 'u16', 1, 's', 's', ['COMMAND']),
];

/** Row by type byte. */
export const RECORD_BY_TYPE: ReadonlyMap<number, RecordSpec> = new Map(RECORDS.map((r) => [r.type, r]));
/** Row by name. */
export const RECORD_BY_NAME: ReadonlyMap<RecordName, RecordSpec> = new Map(RECORDS.map((r) => [r.name, r]));

/** Byte size of each integer format. */
export const FORMAT_SIZE: Readonly<Record<Exclude<ValueFormat, 'utf8'>, number>> = {
  u8: 1, u16: 2, i16: 2, u32: 4, i32: 4,
};

/** Inclusive range of each integer format. */
export const FORMAT_RANGE: Readonly<Record<Exclude<ValueFormat, 'utf8'>, readonly [number, number]>> = {
  u8: [0, 0xff], u16: [0, 0xffff], i16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff],
};

/** Byte length limits of a UTF-8 record value. */
export const UTF8_MIN_BYTES = 1;
export const UTF8_MAX_BYTES = 32;

/** Largest radio message, bytes (ESP-NOW v1). */
export const MAX_MESSAGE_BYTES = 250;
/** Header size, bytes. */
export const HEADER_BYTES = 6;
/** The only version this side speaks. */
export const PROTOCOL_VERSION = 1;

/** Status flag bits (record 0x06). */
export const STATUS_BITS = {
  ENV_FAILED: 1 << 0,
  LIGHT_FAILED: 1 << 1,
  BATTERY_LOW: 1 << 2,
  FIRST_AFTER_BOOT: 1 << 3,
  BROWNOUT: 1 << 4,
  CLOCK_SET: 1 << 5,
} as const;

/** Capability bits (record 0x41). */
export const CAPABILITY_BITS = {
  ENVIRONMENT: 1 << 0,
  LIGHT: 1 << 1,
  BATTERY: 1 << 2,
  POWER_METER: 1 << 3,
  RELAY: 1 << 4,
} as const;

/** RESULT outcomes (record 0x52). */
export const OUTCOME = { OK: 0, UNSUPPORTED: 1, INVALID: 2, FAILED: 3 } as const;
