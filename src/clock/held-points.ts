import { GatewayError } from '../errors.ts';
import type { PendingPoints } from '../gateway/pipeline.ts';
import type { FieldValue, Point } from '../points/point.ts';

/** How a held item is written to the journal and read back; see ClockGuardOptions.journal. */
export interface HeldCodec<T> {
  /** One line of text (no timestamp: that is given at release). */
  encode(item: T): string;
  /** The item back; throws a GatewayError `HELD_RECORD_INVALID` on text it did not write. */
  decode(payload: string): T;
}

type Row = [measurement: string, tags: Record<string, string>, fields: Record<string, [type: 'f' | 'i' | 'b' | 's', value: number | boolean | string]>];

const TYPE_CODE = { float: 'f', int: 'i', bool: 'b', string: 's' } as const;
const TYPE_NAME = { f: 'float', i: 'int', b: 'bool', s: 'string' } as const;
const JS_TYPE = { float: 'number', int: 'number', bool: 'boolean', string: 'string' } as const;

const invalid = (payload: string): GatewayError =>
  new GatewayError('HELD_RECORD_INVALID', `held-readings journal: not a held reading: ${payload.slice(0, 80)}`);

/**
 * A reading's points as JSON `[[measurement, tags, {field: [type, value]}], ...]`,
 * built once with a placeholder time: the points keep their field types
 * exactly, and any sink can take them once they get their time. JSON rather
 * than line protocol, whose reading back would be a second parser to keep in
 * step with toLineProtocol; the journal only lives until the clock syncs.
 */
export const heldPointsCodec: HeldCodec<PendingPoints> = {
  encode(pending) {
    const rows: Row[] = pending(0).map((p) => {
      const fields: Row[2] = {};
      for (const k in p.fields) fields[k] = [TYPE_CODE[p.fields[k].type], p.fields[k].value];
      return [p.measurement, { ...p.tags }, fields];
    });
    return JSON.stringify(rows);
  },
  decode(payload) {
    let rows: unknown;
    try {
      rows = JSON.parse(payload);
    } catch {
      throw invalid(payload);
    }
    if (!Array.isArray(rows)) throw invalid(payload);
    const points = rows.map((row): Omit<Point, 'timeUs'> => {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'object' || typeof row[2] !== 'object') throw invalid(payload);
      const fields: Record<string, FieldValue> = {};
      for (const [k, v] of Object.entries(row[2] as Row[2])) {
        const type = Array.isArray(v) ? TYPE_NAME[v[0]] : undefined;
        if (!type || typeof v[1] !== JS_TYPE[type]) throw invalid(payload);
        fields[k] = { type, value: v[1] } as FieldValue;
      }
      return { measurement: row[0], tags: row[1] as Record<string, string>, fields };
    });
    return (timeUs) => points.map((p) => ({ ...p, timeUs }));
  },
};
