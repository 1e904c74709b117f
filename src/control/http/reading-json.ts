import type { ReadingEvent } from '../../bus/events.ts';
import { formatMac } from '../../protocol/mac.ts';
import { put, writeJson } from './json-bytes.ts';

/**
 * The event stream's `reading` event, one per frame:
 * `JSON.stringify(readingToApi(reading))` written as UTF-8 straight into a
 * buffer. The seven keys are copied as fixed bytes and the MAC as its
 * `"aa:bb:cc:dd:ee:ff"` bytes remembered per node, so the event needs no
 * copy of itself with the MAC formatted (readingToApi's spread) and no
 * generic walk of its top level; `values` and `channels` go through
 * {@link writeJson}. Keys come in the order the pipeline builds the event
 * (`mac`, `room`, `kind`, `atMs`, `rssi`, `values`, `channels`), and one
 * that is undefined is left out, as `JSON.stringify` does: for the
 * pipeline's events the bytes are JSON.stringify's
 * (test/control/http/reading-json.test.ts). Returns the end,
 * `NO_ROOM` or `NOT_PLAIN` as {@link writeJson} does.
 */
export function writeReadingJson(reading: ReadingEvent, buf: Buffer, at: number): number {
  at = putBytes(MAC_KEY, buf, at);
  at = putBytes(macJson(reading.mac), buf, at);
  at = putValue(ROOM_KEY, reading.room, buf, at);
  at = putValue(KIND_KEY, reading.kind, buf, at);
  at = putValue(AT_MS_KEY, reading.atMs, buf, at);
  at = putValue(RSSI_KEY, reading.rssi, buf, at);
  at = putValue(VALUES_KEY, reading.values, buf, at);
  at = putValue(CHANNELS_KEY, reading.channels, buf, at);
  return putBytes(CLOSE, buf, at);
}

const MAC_KEY = Buffer.from('{"mac":');
const ROOM_KEY = Buffer.from(',"room":');
const KIND_KEY = Buffer.from(',"kind":');
const AT_MS_KEY = Buffer.from(',"atMs":');
const RSSI_KEY = Buffer.from(',"rssi":');
const VALUES_KEY = Buffer.from(',"values":');
const CHANNELS_KEY = Buffer.from(',"channels":');
const CLOSE = Buffer.from('}');

/** Most MACs remembered as JSON bytes (as the other memos: past it the memo starts over). */
const MAX_MACS = 4096;
const macsJson = new Map<string, Buffer>();

/** `"aa:bb:cc:dd:ee:ff"` as bytes, for a MAC of 12 hex digits (the registry's form). */
function macJson(mac: string): Buffer {
  let bytes = macsJson.get(mac);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(formatMac(mac)));
    if (macsJson.size >= MAX_MACS) macsJson.clear();
    macsJson.set(mac, bytes);
  }
  return bytes;
}

/** `bytes` at `at`, unless `at` is already a code (NO_ROOM, NOT_PLAIN): each step passes a failure on. */
const putBytes = (bytes: Buffer, buf: Buffer, at: number): number => (at < 0 ? at : put(bytes, buf, at));

/** `key` (with its comma and colon) and `value`; nothing for an undefined value, as JSON.stringify leaves the key out. */
function putValue(key: Buffer, value: unknown, buf: Buffer, at: number): number {
  if (at < 0 || value === undefined) return at;
  at = put(key, buf, at);
  return at < 0 ? at : writeJson(value, buf, at);
}
