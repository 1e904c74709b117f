import { crc32Bytes } from '../crc32.ts';

/**
 * On-disk framing of one spool record (one line-protocol line):
 *
 * ```
 * u32le length | u32le crc32(payload) | payload (UTF-8, `length` bytes)
 * ```
 *
 * The CRC (zlib's CRC-32) lets a reader tell a whole record from a torn
 * write or the zeros/garbage an SD card may leave after a power cut: a record
 * whose length is 0 or absurd, that runs past the file end, or whose CRC does
 * not match ends the valid part of the segment.
 */

/** Bytes of framing per record. */
export const RECORD_HEADER_BYTES = 8;
/** Longest payload accepted, bytes; a line-protocol line of this gateway is ~150. */
export const MAX_RECORD_BYTES = 64 * 1024;

/** Frames `lines` as consecutive records in one Buffer (one write per batch). */
export function encodeRecords(lines: readonly string[]): Buffer {
  const payloads = lines.map((l) => Buffer.from(l, 'utf8'));
  const out = Buffer.allocUnsafe(payloads.reduce((n, p) => n + RECORD_HEADER_BYTES + p.length, 0));
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32LE(p.length, at);
    out.writeUInt32LE(crc32Bytes(p, 0, p.length), at + 4);
    p.copy(out, at + RECORD_HEADER_BYTES);
    at += RECORD_HEADER_BYTES + p.length;
  }
  return out;
}

/** How to write one record's payload straight into the stage (no string or Buffer of its own). */
export interface RecordEncoder<T> {
  /** Bytes {@link write} may need for `item`, at least. */
  bound(item: T): number;
  /** Writes `item`'s payload at `buf[at]` (room for `bound(item)` bytes is there); returns the end. */
  write(item: T, buf: Buffer, at: number): number;
}

/** A line of text as its UTF-8 bytes (at most 3 per UTF-16 unit). */
export const TEXT_RECORDS: RecordEncoder<string> = {
  bound: (line) => line.length * 3,
  write: (line, buf, at) => at + buf.write(line, at),
};

/**
 * A growing buffer of framed records, reused between writes: {@link add}
 * encodes a line straight into it (no Buffer per line), {@link take} hands
 * out the bytes and empties it. Same bytes as {@link encodeRecords}.
 */
export class RecordStage {
  private buf = Buffer.allocUnsafe(64 * 1024);
  /** Bytes staged. */
  bytes = 0;
  /** Records staged. */
  lines = 0;

  /** Frames one line at the end. */
  add(line: string): void {
    this.addWith(line, TEXT_RECORDS);
  }

  /** Frames one item at the end, as `encoder` writes it (e.g. a point as its line, src/points/line-bytes.ts). */
  addWith<T>(item: T, encoder: RecordEncoder<T>): void {
    const at = this.bytes;
    const room = at + RECORD_HEADER_BYTES + encoder.bound(item);
    if (room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    const start = at + RECORD_HEADER_BYTES;
    const end = encoder.write(item, this.buf, start);
    this.buf.writeUInt32LE(end - start, at);
    this.buf.writeUInt32LE(crc32Bytes(this.buf, start, end), at + 4);
    this.bytes = end;
    this.lines += 1;
  }

  /** The staged bytes, still staged (valid until the next change). */
  peek(): Buffer {
    return this.buf.subarray(0, this.bytes);
  }

  /** The whole records at the front that fit in `maxBytes` (none if the first does not). */
  prefix(maxBytes: number): { bytes: number; lines: number } {
    if (this.bytes <= maxBytes) return { bytes: this.bytes, lines: this.lines };
    return this.walk((end) => end <= maxBytes);
  }

  /** The fewest whole records at the front that add up to at least `minBytes`. */
  covering(minBytes: number): { bytes: number; lines: number } {
    return this.walk((_end, at) => at < minBytes);
  }

  /** Removes a front part found by {@link prefix} or {@link covering}. */
  discard(bytes: number, lines: number): void {
    if (bytes >= this.bytes) {
      this.bytes = 0;
      this.lines = 0;
      // After an outage the stage may have grown to megabytes: give them back.
      if (this.buf.length > SHRINK_ABOVE_BYTES) this.buf = Buffer.allocUnsafe(64 * 1024);
      return;
    }
    this.buf.copy(this.buf, 0, bytes, this.bytes);
    this.bytes -= bytes;
    this.lines -= lines;
  }

  /** Puts whole framed records (`records`, `lines` of them) back in front of what is staged. */
  prepend(records: Buffer, lines: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(64 * 1024, records.length + this.bytes));
    records.copy(bigger, 0);
    this.buf.copy(bigger, records.length, 0, this.bytes);
    this.buf = bigger;
    this.bytes += records.length;
    this.lines += lines;
  }

  private walk(more: (end: number, at: number) => boolean): { bytes: number; lines: number } {
    let at = 0;
    let lines = 0;
    while (at < this.bytes) {
      const end = at + RECORD_HEADER_BYTES + this.buf.readUInt32LE(at);
      if (!more(end, at)) break;
      at = end;
      lines += 1;
    }
    return { bytes: at, lines };
  }
}

const SHRINK_ABOVE_BYTES = 1024 * 1024;

/**
 * Byte offset after the record starting at `at` when it is whole and valid
 * (sane length, inside `buf`, CRC matches), else -1.
 */
export function recordEndAt(buf: Buffer, at: number): number {
  if (at + RECORD_HEADER_BYTES > buf.length) return -1;
  const length = buf.readUInt32LE(at);
  if (length === 0 || length > MAX_RECORD_BYTES) return -1;
  const end = at + RECORD_HEADER_BYTES + length;
  if (end > buf.length) return -1;
  return crc32Bytes(buf, at + RECORD_HEADER_BYTES, end) === buf.readUInt32LE(at + 4) ? end : -1;
}

/** The payloads {@link joinPayloads} took, as one request body. */
export interface JoinedPayloads {
  /** The payloads in order, separated by `\n` (no trailing one); empty when `count` is 0. */
  body: Buffer;
  /** Records taken. */
  count: number;
  /** Bytes of framed records taken, from the start of the first part. */
  takenBytes: number;
}

const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

/**
 * Takes up to `maxRecords` whole records from `parts` (consecutive framed
 * records; a record never spans two parts) and joins their payloads with
 * `\n` into one Buffer: the batch as sent, without a string per line.
 * With `verify` (bytes read back from a file) it stops, like
 * {@link scanRecords}, at a record cut off by the end of its part or one whose
 * length or CRC is wrong; without it (copies of what this process wrote,
 * recent-records.ts) the framing is trusted. `alloc` gives the body's memory
 * (default a new Buffer; a scratch's, batch-scratch.ts).
 */
export function joinPayloads(parts: readonly Buffer[], maxRecords: number, verify: boolean, alloc: (size: number) => Buffer = Buffer.allocUnsafe): JoinedPayloads {
  let count = 0;
  let payloadBytes = 0;
  let takenBytes = 0;
  let lastPart = 0;
  let lastEnd = 0;
  for (let p = 0; p < parts.length; p++) {
    const buf = parts[p];
    let at = 0;
    while (count < maxRecords && at + RECORD_HEADER_BYTES <= buf.length) {
      const end = verify ? recordEndAt(buf, at) : at + RECORD_HEADER_BYTES + buf.readUInt32LE(at);
      if (end < 0) break;
      payloadBytes += end - at - RECORD_HEADER_BYTES;
      count += 1;
      at = end;
    }
    takenBytes += at;
    lastPart = p;
    lastEnd = at;
    // Stopped inside this part: the batch is full, or a record is cut off or bad.
    if (count >= maxRecords || at < buf.length) break;
  }
  if (count === 0) return { body: EMPTY, count: 0, takenBytes: 0 };
  const body = alloc(payloadBytes + count - 1);
  let out = 0;
  for (let p = 0; p <= lastPart; p++) {
    const buf = parts[p];
    const stop = p === lastPart ? lastEnd : buf.length;
    for (let at = 0; at < stop; ) {
      const length = buf.readUInt32LE(at);
      if (out > 0) body[out++] = NEWLINE;
      // A view and set(), not buf.copy(): copy() validates and makes a view itself (~20 % slower per ~140-byte record).
      body.set(new Uint8Array(buf.buffer, buf.byteOffset + at + RECORD_HEADER_BYTES, length), out);
      out += length;
      at += RECORD_HEADER_BYTES + length;
    }
  }
  return { body, count, takenBytes };
}

/** What {@link scanRecords} found in a buffer. */
export interface ScanResult {
  /** Payloads decoded, in order. */
  lines: string[];
  /** Byte offset (in the buffer) after each decoded record. */
  ends: number[];
  /** Bytes of whole, valid records from the start. */
  validBytes: number;
  /** True when a bad record (not just an incomplete one at the end) stopped the scan. */
  corrupt: boolean;
}

/**
 * Decodes up to `maxRecords` records from `buf`. Stops at the first record
 * that is cut off by the end of `buf` (`corrupt: false`: more may follow in
 * the file) or is invalid (`corrupt: true`).
 */
export function scanRecords(buf: Buffer, maxRecords = Infinity, decode = true): ScanResult {
  const lines: string[] = [];
  const ends: number[] = [];
  let at = 0;
  let corrupt = false;
  while (ends.length < maxRecords && at + RECORD_HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32LE(at);
    if (length === 0 || length > MAX_RECORD_BYTES) {
      corrupt = true;
      break;
    }
    const end = at + RECORD_HEADER_BYTES + length;
    if (end > buf.length) break;
    if (crc32Bytes(buf, at + RECORD_HEADER_BYTES, end) !== buf.readUInt32LE(at + 4)) {
      corrupt = true;
      break;
    }
    if (decode) lines.push(buf.toString('utf8', at + RECORD_HEADER_BYTES, end));
    ends.push(end);
    at = end;
  }
  return { lines, ends, validBytes: at, corrupt };
}
