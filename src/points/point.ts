import { fractionText, thousandthsOf } from '../ascii-digits.ts';

/**
 * The unit every sink consumes: one InfluxDB point, already named and tagged as
 * in section 3 of docs/protocol.md.
 */

/** A field value with its InfluxDB type made explicit (JS numbers carry none). */
export type FieldValue =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string };

export interface Point {
  /** `environment`, `node`, `power`, `input`, `broker` or `command` (docs/protocol.md section 3). */
  readonly measurement: string;
  /**
   * Tag set; keys and values are plain strings (escaped on output). Points of
   * one sender may share one frozen object; its formatted form is remembered.
   */
  readonly tags: Readonly<Record<string, string>>;
  /** At least one field. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Timestamp in integer microseconds since the Unix epoch (UTC). */
  readonly timeUs: number;
}

/** Integers from -128 (RSSI) to 1023 (counters, flags) are the common integer fields: their values and texts are made once each. */
const SMALL_MIN = -128;
const SMALL_COUNT = 1024 + 128;
const SMALL_FIELDS: FieldValue[] = new Array<FieldValue>(SMALL_COUNT);
const SMALL_INTS: string[] = new Array<string>(SMALL_COUNT);
const TRUE: FieldValue = Object.freeze({ type: 'bool', value: true });
const FALSE: FieldValue = Object.freeze({ type: 'bool', value: false });

export const float = (value: number): FieldValue => ({ type: 'float', value });
/** An integer field (truncated); one shared, frozen value for each small integer. */
export function int(value: number): FieldValue {
  const whole = Math.trunc(value);
  const at = whole - SMALL_MIN;
  // -0 stays a value of its own, as it was.
  if (!(at >= 0 && at < SMALL_COUNT) || Object.is(whole, -0)) return { type: 'int', value: whole };
  return (SMALL_FIELDS[at] ??= Object.freeze({ type: 'int', value: whole }));
}
/** A boolean field; the two values are shared and frozen. */
export const bool = (value: boolean): FieldValue => (value ? TRUE : FALSE);
export const str = (value: string): FieldValue => ({ type: 'string', value });

const KEY_SPECIAL = /[,= \\]/;
const MEASUREMENT_SPECIAL = /[, \\]/;
const escapeKey = (s: string): string => (KEY_SPECIAL.test(s) ? s.replace(/[,= \\]/g, (c) => `\\${c}`) : s);
const escapeMeasurement = (s: string): string => (MEASUREMENT_SPECIAL.test(s) ? s.replace(/[, \\]/g, (c) => `\\${c}`) : s);

/** The text of an integer field of -128..1023 (`21i`), made once; undefined outside. */
export function smallInt(value: number): string | undefined {
  const at = value - SMALL_MIN;
  if (!(Number.isInteger(value) && at >= 0 && at < SMALL_COUNT)) return undefined;
  return (SMALL_INTS[at] ??= `${value}i`);
}

/** `String(value)` for a whole number of thousandths that is not an integer (see thousandthsOf), made from integers; undefined for other values. */
function thousandths(value: number): string | undefined {
  const m = thousandthsOf(value);
  if (Number.isNaN(m)) return undefined;
  const abs = Math.abs(m);
  const frac = abs % 1000;
  const text = `${(abs - frac) / 1000}${fractionText(frac)}`;
  return m < 0 ? `-${text}` : text;
}

/** A field's value as line protocol writes it. */
export function formatField(field: FieldValue): string {
  switch (field.type) {
    case 'int':
      return smallInt(field.value) ?? `${field.value}i`;
    case 'bool':
      return field.value ? 'true' : 'false';
    case 'float':
      // Integral floats must still read as floats to InfluxDB's type checker; from 1e21 on, String() writes an exponent, which does.
      return Number.isInteger(field.value) && Math.abs(field.value) < 1e21 ? `${field.value}.0` : (thousandths(field.value) ?? String(field.value));
    case 'string':
      // Line protocol: a string field is quoted; `"` and `\` inside are escaped, nothing else.
      return `"${field.value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  }
}

/** Most series prefixes (and field keys) remembered; past it the memo starts over. */
const MAX_MEMO = 4096;
/** `measurement,tag=value,... ` (with the space before the fields) escaped and sorted, by an unambiguous key of the raw measurement and tags. */
const prefixes = new Map<string, string>();
/** The same, by tag-set object, for frozen tag sets that several points share (see src/readings). */
const prefixesByTags = new WeakMap<object, Map<string, string>>();
/** Escaped field keys with their `=`: [as the first field, after a comma]. */
const fieldKeys = new Map<string, readonly [string, string]>();

function formatPrefix(measurement: string, tags: Readonly<Record<string, string>>): string {
  const set = Object.keys(tags)
    .sort()
    .filter((k) => tags[k] !== '')
    .map((k) => `,${escapeKey(k)}=${escapeKey(tags[k])}`)
    .join('');
  return `${escapeMeasurement(measurement)}${set} `;
}

/**
 * The escaped series part of a line and the space after it; the same few
 * series repeat, so it is formatted once per series. A frozen tag set (it
 * cannot change) is looked up by identity, without building a key.
 */
export function seriesPrefix(measurement: string, tags: Readonly<Record<string, string>>): string {
  if (!Object.isFrozen(tags)) return prefixByKey(measurement, tags);
  let byMeasurement = prefixesByTags.get(tags);
  const known = byMeasurement?.get(measurement);
  if (known !== undefined) return known;
  const prefix = prefixByKey(measurement, tags);
  if (byMeasurement === undefined) {
    byMeasurement = new Map();
    prefixesByTags.set(tags, byMeasurement);
  }
  byMeasurement.set(measurement, prefix);
  return prefix;
}

function prefixByKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  // Length-prefixed, so no two different tag sets share a key.
  let key = `${measurement.length}:${measurement}`;
  for (const k in tags) key += `${k.length}:${k}${tags[k].length}:${tags[k]}`;
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    prefix = formatPrefix(measurement, tags);
    if (prefixes.size >= MAX_MEMO) prefixes.clear();
    prefixes.set(key, prefix);
  }
  return prefix;
}

/** A field key escaped with its `=`: [as the first field, after a comma]. */
export function fieldKey(name: string): readonly [string, string] {
  let escaped = fieldKeys.get(name);
  if (escaped === undefined) {
    const key = escapeKey(name);
    escaped = [`${key}=`, `,${key}=`];
    if (fieldKeys.size >= MAX_MEMO) fieldKeys.clear();
    fieldKeys.set(name, escaped);
  }
  return escaped;
}

/**
 * `String(n)`, for a safe integer of 9 digits or more (a timestamp in µs)
 * made of two small integers: `String` of a number past 2^31 costs a
 * runtime call (~10x) each time.
 */
function integerText(n: number): string {
  if (!(Number.isSafeInteger(n) && n >= 1e8)) return String(n);
  const low = n % 1e8;
  return `${(n - low) / 1e8}${String(low + 1e8).slice(1)}`;
}

/** The points of one message share their time: its text (with the space before it) is kept for the next line. */
let lastTimeUs = NaN;
let lastTime = '';

/**
 * Formats a point as one InfluxDB line-protocol line (no trailing newline),
 * timestamp in microseconds (the writer's precision is `us`). Tags are sorted
 * by key, as InfluxDB recommends for write performance; empty tag values are
 * left out. The escaped measurement and tag set is remembered per series,
 * each field key with its `=`, so a line is joined from few pieces.
 */
export function toLineProtocol(point: Point): string {
  let line = seriesPrefix(point.measurement, point.tags);
  let next = 0;
  for (const k in point.fields) {
    line += fieldKey(k)[next];
    line += formatField(point.fields[k]);
    next = 1;
  }
  if (point.timeUs !== lastTimeUs) {
    lastTimeUs = point.timeUs;
    lastTime = ` ${integerText(point.timeUs)}`;
  }
  return line + lastTime;
}
