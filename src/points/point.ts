/**
 * The unit every sink consumes: one InfluxDB point, already named and tagged as
 * in section 3 of docs/protocol.md.
 */

/** A field value with its InfluxDB type made explicit (JS numbers carry none). */
export type FieldValue =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean };

export interface Point {
  /** `environment`, `node`, `power` or `broker`. */
  readonly measurement: string;
  /** Tag set; keys and values are plain strings (escaped on output). */
  readonly tags: Readonly<Record<string, string>>;
  /** At least one field. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Timestamp in integer microseconds since the Unix epoch (UTC). */
  readonly timeUs: number;
}

export const float = (value: number): FieldValue => ({ type: 'float', value });
export const int = (value: number): FieldValue => ({ type: 'int', value: Math.trunc(value) });
export const bool = (value: boolean): FieldValue => ({ type: 'bool', value });

const escapeKey = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`);
const escapeMeasurement = (s: string): string => s.replace(/[, \\]/g, (c) => `\\${c}`);

function formatField(field: FieldValue): string {
  switch (field.type) {
    case 'int':
      return `${field.value}i`;
    case 'bool':
      return field.value ? 'true' : 'false';
    case 'float':
      // Integral floats must still read as floats to InfluxDB's type checker.
      return Number.isInteger(field.value) ? `${field.value}.0` : String(field.value);
  }
}

/**
 * Formats a point as one InfluxDB line-protocol line (no trailing newline),
 * timestamp in microseconds (the writer's precision is `us`). Tags are sorted
 * by key, as InfluxDB recommends for write performance.
 */
export function toLineProtocol(point: Point): string {
  const tags = Object.keys(point.tags)
    .sort()
    .filter((k) => point.tags[k] !== '')
    .map((k) => `,${escapeKey(k)}=${escapeKey(point.tags[k])}`)
    .join('');
  const fields = Object.keys(point.fields)
    .map((k) => `${escapeKey(k)}=${formatField(point.fields[k])}`)
    .join(',');
  return `${escapeMeasurement(point.measurement)}${tags} ${fields} ${point.timeUs}`;
}
