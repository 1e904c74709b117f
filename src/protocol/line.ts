import { crc32 } from 'node:zlib';
import { ProtocolError } from './protocol-error.ts';

/** Longest line that can be a frame, in bytes, not counting the `\r\n`/`\n` ending. */
export const MAX_LINE_BYTES = 1024;

/** One serial frame: `TAG,field,field*crc` without the CRC. */
export interface Frame {
  /** Upper-case letters, e.g. `RX`. */
  readonly tag: string;
  /** The fields after the tag, possibly empty strings. */
  readonly fields: readonly string[];
}

const TAG = /^[A-Z]+$/;
const FORBIDDEN = /[,*\r\n]/;

const crcHex = (text: string): string => crc32(Buffer.from(text, 'utf8')).toString(16).padStart(8, '0');

const preview = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);

/**
 * Parses one serial line (without its `\n`; a trailing `\r` is ignored).
 * Throws `ProtocolError`: `TOO_LONG` over {@link MAX_LINE_BYTES}, `NOT_A_FRAME`
 * when it is not `TAG,fields*crc` with 8 lower-case hex digits, `BAD_CRC`
 * when the CRC-32 of the bytes before `*` does not match.
 */
export function decodeLine(line: string): Frame {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  // UTF-8 takes 1..3 bytes per UTF-16 unit: only lines in between need counting (the hot path never does).
  if (text.length > MAX_LINE_BYTES || (text.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES)) {
    throw new ProtocolError('TOO_LONG', `line of ${Buffer.byteLength(text, 'utf8')} bytes is over ${MAX_LINE_BYTES}`);
  }
  const star = text.indexOf('*');
  // The CRC must be the 8 hex digits after the first `*` up to the end, so a second `*` is no frame either.
  const crc = star < 0 ? -1 : hex32(text, star + 1);
  if (crc < 0 || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
    throw new ProtocolError('NOT_A_FRAME', `${preview(text)}: not a frame (TAG,fields*crc)`);
  }
  const body = text.slice(0, star);
  // indexOf and slice: String.prototype.split costs about twice as much here (profiled); the commas are
  // counted first so the array is made at its size (a growing one starts at 17 slots).
  const comma = body.indexOf(',');
  const tag = comma < 0 ? body : body.slice(0, comma);
  let count = 0;
  for (let at = comma; at >= 0; at = body.indexOf(',', at + 1)) count += 1;
  const fields = new Array<string>(count);
  for (let i = 0, from = comma + 1; i < count; i++) {
    const next = i === count - 1 ? body.length : body.indexOf(',', from);
    fields[i] = body.slice(from, next);
    from = next + 1;
  }
  if (!TAG.test(tag)) {
    throw new ProtocolError('NOT_A_FRAME', `${preview(text)}: not a frame (TAG,fields*crc)`);
  }
  // zlib.crc32 takes the string as UTF-8 itself; comparing numbers avoids a Buffer and a hex string per line.
  if (crc !== crc32(body)) {
    throw new ProtocolError('BAD_CRC', `${preview(text)}: CRC ${text.slice(star + 1)} does not match ${crcHex(body)}`);
  }
  return { tag, fields };
}

/** The value of exactly 8 lower-case hex digits from `start` to the end of `text`, or -1 (read in place: no slice, regex or parseInt per line). */
function hex32(text: string, start: number): number {
  if (text.length !== start + 8) return -1;
  let value = 0;
  for (let i = start; i < start + 8; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Builds one serial line, `TAG,field,...*crc`, WITHOUT the `\n`. Throws
 * `ProtocolError` `BAD_FIELD` for a tag that is not upper-case letters or a
 * field containing `,` `*` CR or LF, and `TOO_LONG` over {@link MAX_LINE_BYTES}.
 */
export function encodeLine(tag: string, fields: readonly string[]): string {
  if (!TAG.test(tag)) throw new ProtocolError('BAD_FIELD', `${JSON.stringify(tag)}: a tag is upper-case letters`);
  fields.forEach((field, i) => {
    if (FORBIDDEN.test(field)) {
      throw new ProtocolError('BAD_FIELD', `${tag} field ${i + 1} ${JSON.stringify(field)}: contains , * CR or LF`);
    }
  });
  const body = [tag, ...fields].join(',');
  const line = `${body}*${crcHex(body)}`;
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
    throw new ProtocolError('TOO_LONG', `${tag} line of ${Buffer.byteLength(line, 'utf8')} bytes is over ${MAX_LINE_BYTES}`);
  }
  return line;
}
