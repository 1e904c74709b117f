import { ProtocolError } from './protocol-error.ts';
import {
  FORMAT_RANGE, FORMAT_SIZE, HEADER_BYTES, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, RECORD_BY_NAME, RECORD_BY_TYPE, SPEC_BY_TYPE,
  type RecordName, type RecordSpec,
} from './records.ts';

/** One known, valid record of a decoded message. */
export interface MessageRecord {
  /** Type byte. */
  readonly type: number;
  /** Name from the record table. */
  readonly name: RecordName;
  /** Raw wire value: the integer as sent, or the text of a UTF-8 record. Unscaled. */
  readonly raw: number | string;
}

/** A decoded radio message (protocol section 1). */
export interface Message {
  /** Always 1. */
  readonly version: number;
  /** Kind byte, see `KIND`; unknown kinds are kept as they are. */
  readonly kind: number;
  /** The node's boot counter, 0..65535. */
  readonly boot: number;
  /** Message counter within the boot, 0..65535. */
  readonly seq: number;
  /** Known, valid records in wire order. */
  readonly records: readonly MessageRecord[];
  /** Records of a type this side does not know, skipped. */
  readonly unknownRecords: number;
  /** Records of a known type with a wrong length or bad UTF-8, skipped. */
  readonly invalidRecords: number;
}

/** A record to encode: a known type with its raw value, or any type with its value bytes. */
export type RecordDraft =
  | { readonly type: number; readonly raw: number | string }
  | { readonly type: number; readonly bytes: Uint8Array };

/** What {@link encodeMessage} needs; a decoded {@link Message} is one. */
export interface MessageDraft {
  /** Default 1. */
  readonly version?: number;
  readonly kind: number;
  readonly boot: number;
  readonly seq: number;
  readonly records: readonly RecordDraft[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The value of a record at `buf[start..start+length)`, or undefined when its length is wrong for the format. */
function readValue(spec: RecordSpec, buf: Buffer, start: number, length: number): number | string | undefined {
  switch (spec.format) {
    case 'utf8':
      if (length < spec.bytes[0] || length > spec.bytes[1]) return undefined;
      try {
        return utf8.decode(buf.subarray(start, start + length));
      } catch {
        return undefined;
      }
    case 'u8': return length === 1 ? buf[start] : undefined;
    case 'u16': return length === 2 ? buf.readUInt16LE(start) : undefined;
    case 'i16': return length === 2 ? buf.readInt16LE(start) : undefined;
    case 'u32': return length === 4 ? buf.readUInt32LE(start) : undefined;
    case 'i32': return length === 4 ? buf.readInt32LE(start) : undefined;
  }
}

/**
 * What {@link walkRecords} hands each record of a message to: the known,
 * valid ones with their raw value, and counts of the rest.
 */
export interface RecordSink {
  /** A record of a known type with a valid value, in wire order. */
  record(spec: RecordSpec, raw: number | string): void;
  /** Records of a type this side does not know, skipped. */
  unknownRecords: number;
  /** Records of a known type with a wrong length or bad UTF-8, skipped. */
  invalidRecords: number;
}

/**
 * Checks a radio message and hands its records to `sink` (unknown record
 * types and known types with a wrong length are counted there); returns the
 * message as a Buffer, header at 0..5. Throws `ProtocolError`: `TOO_LONG`
 * over 250 bytes, `SHORT_HEADER` under 6, `BAD_VERSION` unless version 1,
 * `TRUNCATED_RECORD` when a record runs past the end.
 */
export function walkRecords(payload: Uint8Array, sink: RecordSink): Buffer {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (buf.length > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('TOO_LONG', `message of ${buf.length} bytes is over ${MAX_MESSAGE_BYTES}`);
  }
  if (buf.length < HEADER_BYTES) {
    throw new ProtocolError('SHORT_HEADER', `message of ${buf.length} bytes is shorter than its ${HEADER_BYTES}-byte header`);
  }
  const version = buf.readUInt8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError('BAD_VERSION', `message version ${version} is not ${PROTOCOL_VERSION}`);
  }
  for (let at = HEADER_BYTES; at < buf.length; ) {
    if (at + 2 > buf.length) {
      throw new ProtocolError('TRUNCATED_RECORD', `record at byte ${at}: header runs past the end (${buf.length} bytes)`);
    }
    const type = buf[at];
    const length = buf[at + 1];
    const end = at + 2 + length;
    if (end > buf.length) {
      throw new ProtocolError('TRUNCATED_RECORD', `record 0x${type.toString(16).padStart(2, '0')} at byte ${at}: ${length} bytes run past the end (${buf.length} bytes)`);
    }
    const spec = SPEC_BY_TYPE[type];
    const raw = spec && readValue(spec, buf, at + 2, length);
    if (!spec) sink.unknownRecords += 1;
    else if (raw === undefined) sink.invalidRecords += 1;
    else sink.record(spec, raw);
    at = end;
  }
  return buf;
}

/** Collects a message's records as {@link MessageRecord}s. */
class RecordList implements RecordSink {
  readonly records: MessageRecord[] = [];
  unknownRecords = 0;
  invalidRecords = 0;

  record(spec: RecordSpec, raw: number | string): void {
    this.records.push({ type: spec.type, name: spec.name, raw });
  }
}

/**
 * Decodes one radio message. Unknown record types and known types with a
 * wrong length are skipped and counted. Throws `ProtocolError` as
 * {@link walkRecords}. (The pipeline decodes straight into a view instead,
 * without a record object: `decodeInterpreted` in interpret.ts.)
 */
export function decodeMessage(payload: Uint8Array): Message {
  const list = new RecordList();
  const buf = walkRecords(payload, list);
  return {
    version: buf[0], kind: buf[1], boot: buf.readUInt16LE(2), seq: buf.readUInt16LE(4),
    records: list.records, unknownRecords: list.unknownRecords, invalidRecords: list.invalidRecords,
  };
}

function valueBytes(record: RecordDraft): Buffer {
  if ('bytes' in record) return Buffer.from(record.bytes);
  const spec = RECORD_BY_TYPE.get(record.type);
  const what = `record 0x${record.type.toString(16).padStart(2, '0')}`;
  if (!spec) throw new ProtocolError('BAD_VALUE', `${what}: unknown type, give its bytes`);
  const { raw } = record;
  if (spec.format === 'utf8') {
    const text = Buffer.from(String(raw), 'utf8');
    const [min, max] = spec.bytes;
    if (typeof raw !== 'string' || text.length < min || text.length > max) {
      throw new ProtocolError('BAD_VALUE', `${what} (${spec.name}): ${JSON.stringify(raw)} is not ${min}..${max} bytes of UTF-8`);
    }
    return text;
  }
  const [min, max] = FORMAT_RANGE[spec.format];
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new ProtocolError('BAD_VALUE', `${what} (${spec.name}): ${JSON.stringify(raw)} is not an integer in ${min}..${max}`);
  }
  const out = Buffer.alloc(FORMAT_SIZE[spec.format]);
  if (spec.format === 'u8') out.writeUInt8(raw);
  else if (spec.format === 'u16') out.writeUInt16LE(raw);
  else if (spec.format === 'i16') out.writeInt16LE(raw);
  else if (spec.format === 'u32') out.writeUInt32LE(raw);
  else out.writeInt32LE(raw);
  return out;
}

function checkU(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ProtocolError('BAD_VALUE', `message ${name} ${value} is not an integer in 0..${max}`);
  }
}

/**
 * Encodes a radio message. Throws `ProtocolError` `BAD_VALUE` for a header
 * field or record value out of its range, `TOO_LONG` over 250 bytes.
 */
export function encodeMessage(message: MessageDraft): Buffer {
  const version = message.version ?? PROTOCOL_VERSION;
  checkU('version', version, 0xff);
  checkU('kind', message.kind, 0xff);
  checkU('boot', message.boot, 0xffff);
  checkU('seq', message.seq, 0xffff);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(version, 0);
  header.writeUInt8(message.kind, 1);
  header.writeUInt16LE(message.boot, 2);
  header.writeUInt16LE(message.seq, 4);
  const parts: Buffer[] = [header];
  for (const record of message.records) {
    checkU('record type', record.type, 0xff);
    const value = valueBytes(record);
    if (value.length > 0xff) throw new ProtocolError('BAD_VALUE', `record 0x${record.type.toString(16)}: ${value.length} bytes is over 255`);
    parts.push(Buffer.from([record.type, value.length]), value);
  }
  const out = Buffer.concat(parts);
  if (out.length > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('TOO_LONG', `message of ${out.length} bytes is over ${MAX_MESSAGE_BYTES}`);
  }
  return out;
}

/** A record draft by name: `record('temperature', 2153)`. */
export function record(name: RecordName, raw: number | string): RecordDraft {
  return { type: RECORD_BY_NAME.get(name)!.type, raw };
}
