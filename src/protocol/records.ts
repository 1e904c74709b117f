/**
 * The record table of protocol sections 1 and 4, as data: the decoder, the
 * encoder, the typed view and docs/protocol.md all read it from here. The
 * rows, kinds, status and capability bits come from the one table of the
 * repository, protocol/records.json (generated into records-table.ts by
 * scripts/gen-records.ts; the MicroPython codec is generated from it too).
 */

import { KIND, RECORD_ROWS } from './records-table.ts';

export { CAPABILITY_BITS, KIND, OUTCOME, POWER_ON, PRESS, STATUS_BITS, TRIP } from './records-table.ts';

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
  /** Length of the value, bytes, [min, max] (both the size for integers; e.g. [1, 32] for the firmware text). */
  readonly bytes: readonly [number, number];
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

/** Every record name of the protocol (sections 1 and 4). */
export type RecordName = (typeof RECORD_ROWS)[number]['name'];

/** The table, in type order: protocol/records.json, through scripts/gen-records.ts. */
export const RECORDS: readonly RecordSpec[] = RECORD_ROWS;

/** Row by type byte. */
export const RECORD_BY_TYPE: ReadonlyMap<number, RecordSpec> = new Map(RECORDS.map((r) => [r.type, r]));
/** Row by type byte, as an array of 256: an index is cheaper than a Map lookup on the per-record hot path. */
export const SPEC_BY_TYPE: readonly (RecordSpec | undefined)[] = Array.from({ length: 256 }, (_, type) => RECORD_BY_TYPE.get(type));
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

/** Largest radio message, bytes (ESP-NOW v1). */
export const MAX_MESSAGE_BYTES = 250;
/** Header size, bytes. */
export const HEADER_BYTES = 6;
/** The only version this side speaks. */
export const PROTOCOL_VERSION = 1;
