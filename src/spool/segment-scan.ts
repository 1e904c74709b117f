import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, recordEndAt } from './record-codec.ts';

/** A stretch of a segment that is not a valid record, between two that are. */
export interface DamagedRange {
  /** Byte offset in the segment where the damage starts. */
  at: number;
  /** Bytes skipped, up to the next valid record. */
  bytes: number;
}

/** What {@link scanSegment} found in a whole segment. */
export interface SegmentScan {
  /** Payloads of the valid records, in order (empty unless decoded). */
  lines: string[];
  /** Byte offset where each valid record starts. */
  starts: number[];
  /** Byte offset after each valid record. */
  ends: number[];
  /** End of the last valid record (0 when none): everything after it is a torn tail. */
  validEnd: number;
  /** Damaged stretches that valid records follow (skipped, not cut). */
  damaged: DamagedRange[];
}

/**
 * Offset of the next valid record at or after `from`, or -1: a byte-by-byte
 * search for a header whose length is sane and whose CRC matches. Payloads
 * are line-protocol text, whose bytes read as lengths far above
 * {@link MAX_RECORD_BYTES}, so the CRC runs about once per record passed.
 */
export function nextRecordAt(buf: Buffer, from: number): number {
  for (let at = from; at + RECORD_HEADER_BYTES <= buf.length; at++) {
    if (buf[at + 3] !== 0 || buf[at + 2] > 1) continue; // length above 128 KiB: not a header
    if (recordEndAt(buf, at) >= 0) return at;
  }
  return -1;
}

/**
 * Scans a whole segment, skipping damage: a bad record (a flipped bit, a bad
 * SD sector) is passed over and reading resynchronises on the next valid
 * record, so it costs that record, not the rest of the segment. Only the
 * bytes after the last valid record (a torn tail: a power cut mid-write,
 * zeros) are reported as cut-able, through `validEnd`.
 */
export function scanSegment(buf: Buffer, decode = false): SegmentScan {
  const scan: SegmentScan = { lines: [], starts: [], ends: [], validEnd: 0, damaged: [] };
  let at = 0;
  while (at + RECORD_HEADER_BYTES <= buf.length) {
    let end = recordEndAt(buf, at);
    if (end < 0) {
      const next = nextRecordAt(buf, at + 1);
      if (next < 0) break;
      scan.damaged.push({ at, bytes: next - at });
      at = next;
      end = recordEndAt(buf, at);
    }
    if (decode) scan.lines.push(buf.toString('utf8', at + RECORD_HEADER_BYTES, end));
    scan.starts.push(at);
    scan.ends.push(end);
    at = end;
  }
  scan.validEnd = scan.ends.at(-1) ?? 0;
  return scan;
}

/**
 * The record index of byte `offset` in a scanned segment (valid records
 * before it), when `offset` is a record boundary (0, the start or the end of
 * a valid record); else undefined.
 */
export function indexAtOffset(scan: SegmentScan, offset: number): number | undefined {
  if (offset === 0) return 0;
  const after = scan.ends.indexOf(offset);
  if (after >= 0) return after + 1;
  const at = scan.starts.indexOf(offset);
  return at >= 0 ? at : undefined;
}
