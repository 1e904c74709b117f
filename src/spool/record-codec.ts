import { crc32 } from 'node:zlib';

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
    out.writeUInt32LE(crc32(p), at + 4);
    p.copy(out, at + RECORD_HEADER_BYTES);
    at += RECORD_HEADER_BYTES + p.length;
  }
  return out;
}

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
    const at = this.bytes;
    const room = at + RECORD_HEADER_BYTES + line.length * 3;
    if (room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    const n = this.buf.write(line, at + RECORD_HEADER_BYTES);
    this.buf.writeUInt32LE(n, at);
    this.buf.writeUInt32LE(crc32(this.buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + n)), at + 4);
    this.bytes = at + RECORD_HEADER_BYTES + n;
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
    const payload = buf.subarray(at + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32LE(at + 4)) {
      corrupt = true;
      break;
    }
    if (decode) lines.push(payload.toString('utf8'));
    ends.push(end);
    at = end;
  }
  return { lines, ends, validBytes: at, corrupt };
}
