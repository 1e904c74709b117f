import { thousandthsOf, writeDigits, writeThousandths } from '../ascii-digits.ts';
import { fieldKey, formatField, seriesPrefix, smallInt, type FieldValue, type Point } from './point.ts';

/**
 * {@link toLineProtocol}'s line, written as UTF-8 straight into a buffer:
 * the spool's staging buffer, where every point of a burst goes. Joining a
 * line as a string costs a string per piece (~930 bytes of garbage per
 * two-point frame) and one more to flatten it before it is encoded; here
 * the series prefix, field keys, small integers and fractions are copied
 * from bytes made once, and numbers are written digit by digit. Same bytes
 * as `Buffer.from(toLineProtocol(point))` (test/points/line-bytes.test.ts).
 */

/** Most byte forms remembered per cache; past it the cache starts over (as point.ts's memos). */
const MAX_MEMO = 4096;
const piecesBytes = new Map<string, Buffer>();
const smallIntBytes = new Map<number, Buffer>();
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

/** Longest text of a number field, bytes (`-1.7976931348623157e+308`, or an integer with its `i`), with room to spare. */
const NUMBER_BYTES = 32;

/** A frozen tag set's prefix bytes by measurement (the tag set is shared by a sender's points, see src/readings). */
const prefixesByTags = new WeakMap<object, Map<string, Buffer>>();
/** Field keys' bytes with their `=`: [as the first field, after a comma]. */
const keysBytes = new Map<string, readonly [Buffer, Buffer]>();

function prefixBytes(point: Point): Buffer {
  if (!Object.isFrozen(point.tags)) return bytesOf(seriesPrefix(point.measurement, point.tags));
  let byMeasurement = prefixesByTags.get(point.tags);
  if (byMeasurement === undefined) prefixesByTags.set(point.tags, (byMeasurement = new Map()));
  let bytes = byMeasurement.get(point.measurement);
  if (bytes === undefined) byMeasurement.set(point.measurement, (bytes = Buffer.from(seriesPrefix(point.measurement, point.tags))));
  return bytes;
}

function keyBytes(name: string): readonly [Buffer, Buffer] {
  let bytes = keysBytes.get(name);
  if (bytes === undefined) {
    const [first, later] = fieldKey(name);
    bytes = [Buffer.from(first), Buffer.from(later)];
    if (keysBytes.size >= MAX_MEMO) keysBytes.clear();
    keysBytes.set(name, bytes);
  }
  return bytes;
}

function bytesOf(text: string): Buffer {
  let bytes = piecesBytes.get(text);
  if (bytes === undefined) {
    bytes = Buffer.from(text);
    if (piecesBytes.size >= MAX_MEMO) piecesBytes.clear();
    piecesBytes.set(text, bytes);
  }
  return bytes;
}

/**
 * Bytes {@link writeLine} may need for `point`, at least: the prefix and
 * keys as they are, 32 per number, 3 per UTF-16 unit of a string (UTF-8)
 * plus its quotes and escapes, 33 for the timestamp and the space before it.
 */
export function lineBytesBound(point: Point): number {
  let n = prefixBytes(point).length + 1 + NUMBER_BYTES;
  for (const k in point.fields) {
    const field = point.fields[k];
    n += 3 * k.length + 4 + (field.type === 'string' ? 6 * field.value.length + 2 : NUMBER_BYTES);
  }
  return n;
}

/** Writes `text`, which is ASCII (a number's text from `String`), at `at`; returns the end. */
function writeAscii(text: string, buf: Buffer, at: number): number {
  for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
  return at;
}

function writeField(field: FieldValue, buf: Buffer, at: number): number {
  switch (field.type) {
    case 'int': {
      const small = smallInt(field.value);
      if (small === undefined) return writeAscii(formatField(field), buf, at);
      let bytes = smallIntBytes.get(field.value);
      if (bytes === undefined) smallIntBytes.set(field.value, (bytes = Buffer.from(small)));
      buf.set(bytes, at);
      return at + bytes.length;
    }
    case 'bool': {
      const bytes = field.value ? TRUE_BYTES : FALSE_BYTES;
      buf.set(bytes, at);
      return at + bytes.length;
    }
    case 'float': {
      const v = field.value;
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        // `${v}.0`, as toLineProtocol writes an integral float.
        if (v < 0) buf[at++] = 45;
        at = writeDigits(Math.abs(v), buf, at);
        buf[at] = 46;
        buf[at + 1] = 48;
        return at + 2;
      }
      // A whole number of thousandths (every scaled reading): digits, then `.d`, `.dd` or `.ddd`.
      const m = thousandthsOf(v);
      return Number.isNaN(m) ? writeAscii(formatField(field), buf, at) : writeThousandths(m, buf, at);
    }
    case 'string':
      return at + buf.write(formatField(field), at);
  }
}

/**
 * Writes `toLineProtocol(point)` as UTF-8 at `buf[at]` and returns the end.
 * The caller makes room for {@link lineBytesBound}(point) bytes first.
 */
export function writeLine(point: Point, buf: Buffer, at: number): number {
  const prefix = prefixBytes(point);
  buf.set(prefix, at);
  at += prefix.length;
  let next = 0;
  for (const k in point.fields) {
    const key = keyBytes(k)[next];
    buf.set(key, at);
    at = writeField(point.fields[k], buf, at + key.length);
    next = 1;
  }
  buf[at++] = 32;
  if (point.timeUs >= 0 && Number.isSafeInteger(point.timeUs)) return writeDigits(point.timeUs, buf, at);
  return writeAscii(String(point.timeUs), buf, at);
}

/** Points as spool records: each point's line, written in place (a `RecordEncoder` of src/spool/record-codec.ts). */
export const LINE_RECORDS = { bound: lineBytesBound, write: writeLine } as const;
