import {
  FORMAT_SIZE, HEADER_BYTES, MAX_MESSAGE_BYTES, RECORD_BY_TYPE, type MessageRecord, type RecordDraft,
} from '../protocol/index.ts';

/** Smallest interval a set-interval command may set, s (MIN_INTERVAL_S of the node and socket firmware). */
export const MIN_INTERVAL_S = 10;

/** Record type of the command id (0x51) that starts each command in a COMMAND or RECEIPT body. */
const COMMAND_ID = 0x51;

/** One command of a COMMAND (or of the records appended to a RECEIPT): its id and the records after it. */
export interface SplitCommand {
  readonly id: number;
  readonly records: readonly MessageRecord[];
}

/**
 * The commands in a message body: each 0x51 record starts one, the records
 * up to the next 0x51 belong to it; records before the first 0x51 (a
 * RECEIPT's own time) belong to none. The firmware's `split_commands`.
 */
export function splitCommands(records: readonly MessageRecord[]): SplitCommand[] {
  const out: { id: number; records: MessageRecord[] }[] = [];
  for (const r of records) {
    if (r.type === COMMAND_ID) out.push({ id: r.raw as number, records: [] });
    else out.at(-1)?.records.push(r);
  }
  return out;
}

/** Bytes a record takes on the wire (type, length, value). */
export function recordBytes(record: RecordDraft): number {
  if ('bytes' in record) return 2 + record.bytes.length;
  const spec = RECORD_BY_TYPE.get(record.type);
  if (spec?.format === 'utf8') return 2 + Buffer.byteLength(String(record.raw), 'utf8');
  return 2 + (spec ? FORMAT_SIZE[spec.format] : 0);
}

/**
 * Splits a report into as many messages as 250 bytes need: `head` (the
 * message-wide records) in every part, then whole `groups` (one channel's
 * records each, never split) as many as fit. The firmware's `pack`.
 */
export function packRecords(head: readonly RecordDraft[], groups: readonly (readonly RecordDraft[])[]): RecordDraft[][] {
  const size = (records: readonly RecordDraft[]): number => records.reduce((sum, r) => sum + recordBytes(r), 0);
  const room = MAX_MESSAGE_BYTES - HEADER_BYTES - size(head);
  const out: RecordDraft[][] = [];
  let tail: RecordDraft[] = [];
  let used = 0;
  for (const group of groups) {
    const bytes = size(group);
    if (tail.length > 0 && used + bytes > room) {
      out.push([...head, ...tail]);
      tail = [];
      used = 0;
    }
    tail.push(...group);
    used += bytes;
  }
  out.push([...head, ...tail]);
  return out;
}
