/**
 * `JSON.stringify(value)` written as UTF-8 straight into a buffer, for the
 * event stream's `reading` events (one per frame, ~270 bytes each): no
 * string per event, no copy of it. Keys, and strings that repeat (MACs,
 * rooms, kinds), are copied from bytes made once; numbers that are whole or
 * whole thousandths (every scaled reading) are written digit by digit.
 *
 * Plain data only: objects whose prototype is `Object.prototype` or null,
 * arrays, strings, finite and non-finite numbers, booleans, null and
 * undefined, as `JSON.stringify` writes them. Anything else (a `toJSON`, a
 * Date, a Map, a bigint, nesting past 32) returns {@link NOT_PLAIN}, running
 * out of room {@link NO_ROOM}: the caller then makes room or uses
 * `JSON.stringify`. test/control/http/json-bytes.test.ts holds the
 * bytes equal to `Buffer.from(JSON.stringify(value))`.
 */

import { digitCount, thousandthsLength, thousandthsOf, writeDigits, writeThousandths } from '../../ascii-digits.ts';

/** What {@link writeJson} returns when the buffer ends before the value does. */
export const NO_ROOM = -1;
/** What {@link writeJson} returns for a value that is not plain data (the caller uses `JSON.stringify`). */
export const NOT_PLAIN = -2;
/** Deeper than this is not taken for plain data (a cycle would never end). */
const MAX_DEPTH = 32;

/** Most strings and keys remembered as bytes; past it the memo starts over. */
const MAX_MEMO = 4096;
/** Strings up to this long are remembered as their JSON bytes. */
const MEMO_MAX_LENGTH = 64;
const stringBytes = new Map<string, Buffer>();
const keyBytes = new Map<string, Buffer>();
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
function remember(cache: Map<string, Buffer>, key: string, text: string): Buffer {
  const bytes = Buffer.from(text);
  if (cache.size >= MAX_MEMO) cache.clear();
  cache.set(key, bytes);
  return bytes;
}

/** Copies `bytes` to `buf[at]`; returns the end, or {@link NO_ROOM}. */
export function put(bytes: Buffer, buf: Buffer, at: number): number {
  if (at + bytes.length > buf.length) return NO_ROOM;
  buf.set(bytes, at);
  return at + bytes.length;
}

/** Digits of a non-negative safe integer at `at`; NO_ROOM without room. */
function putDigits(n: number, buf: Buffer, at: number): number {
  return at + digitCount(n) > buf.length ? NO_ROOM : writeDigits(n, buf, at);
}

/** ASCII `text` at `at`; NO_ROOM without room. */
function putAscii(text: string, buf: Buffer, at: number): number {
  if (at + text.length > buf.length) return NO_ROOM;
  for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
  return at;
}

/** A number as `JSON.stringify` writes it (`String(n)`, `null` when not finite). */
function putNumber(v: number, buf: Buffer, at: number): number {
  if (Number.isSafeInteger(v)) {
    if (v < 0) {
      if (at >= buf.length) return NO_ROOM;
      buf[at++] = 45;
    }
    return putDigits(Math.abs(v), buf, at);
  }
  // A whole number of thousandths (every scaled reading): digits, then `.d`, `.dd` or `.ddd`.
  const m = thousandthsOf(v);
  if (!Number.isNaN(m)) return at + thousandthsLength(m) > buf.length ? NO_ROOM : writeThousandths(m, buf, at);
  return Number.isFinite(v) ? putAscii(String(v), buf, at) : put(NULL, buf, at);
}

/** True when `s` needs no escape and is ASCII: `"`, `\`, controls, DEL and above all go the slow way. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

function putString(s: string, buf: Buffer, at: number): number {
  if (s.length <= MEMO_MAX_LENGTH) return put(stringBytes.get(s) ?? remember(stringBytes, s, JSON.stringify(s)), buf, at);
  if (plainAscii(s)) {
    if (at + s.length + 2 > buf.length) return NO_ROOM;
    buf[at++] = 0x22;
    at = putAscii(s, buf, at);
    buf[at++] = 0x22;
    return at;
  }
  const text = JSON.stringify(s);
  const bytes = Buffer.byteLength(text);
  if (at + bytes > buf.length) return NO_ROOM;
  return at + buf.write(text, at);
}

function putKey(key: string, first: boolean, buf: Buffer, at: number): number {
  if (!first) {
    if (at >= buf.length) return NO_ROOM;
    buf[at++] = 0x2c;
  }
  return put(keyBytes.get(key) ?? remember(keyBytes, key, `${JSON.stringify(key)}:`), buf, at);
}

/** Writes `JSON.stringify(value)` at `buf[at]`; returns the end, {@link NO_ROOM} or {@link NOT_PLAIN} (see the file comment). */
export function writeJson(value: unknown, buf: Buffer, at: number, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return putString(value, buf, at);
    case 'number':
      return putNumber(value, buf, at);
    case 'boolean':
      return put(value ? TRUE : FALSE, buf, at);
    case 'object':
      if (value === null) return put(NULL, buf, at);
      if (depth >= MAX_DEPTH) return NOT_PLAIN;
      return Array.isArray(value) ? putArray(value, buf, at, depth + 1) : putObject(value as Record<string, unknown>, buf, at, depth + 1);
    default:
      return NOT_PLAIN;
  }
}

function putArray(items: readonly unknown[], buf: Buffer, at: number, depth: number): number {
  if (at >= buf.length) return NO_ROOM;
  buf[at++] = 0x5b;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) {
      if (at >= buf.length) return NO_ROOM;
      buf[at++] = 0x2c;
    }
    const item = items[i];
    // As JSON.stringify: undefined (and functions, symbols) in an array is null.
    at = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? put(NULL, buf, at) : writeJson(item, buf, at, depth);
    if (at < 0) return at;
  }
  if (at >= buf.length) return NO_ROOM;
  buf[at++] = 0x5d;
  return at;
}

function putObject(object: Record<string, unknown>, buf: Buffer, at: number, depth: number): number {
  const proto: unknown = Object.getPrototypeOf(object);
  if ((proto !== Object.prototype && proto !== null) || typeof object.toJSON === 'function') return NOT_PLAIN;
  if (at >= buf.length) return NO_ROOM;
  buf[at++] = 0x7b;
  let first = true;
  // for...in on a plain object: its own enumerable keys, in JSON.stringify's order.
  for (const key in object) {
    const item = object[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    at = putKey(key, first, buf, at);
    if (at < 0) return at;
    at = writeJson(item, buf, at, depth);
    if (at < 0) return at;
    first = false;
  }
  if (at >= buf.length) return NO_ROOM;
  buf[at++] = 0x7d;
  return at;
}
