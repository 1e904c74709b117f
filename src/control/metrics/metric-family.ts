import type { MetricsSnapshot } from './metrics-snapshot.ts';

/** One sample of a family: its label values and its value. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * One metric family of `/metrics`: name, type, help, label names, and how
 * its samples come out of a {@link MetricsSnapshot}. The families are plain
 * data so that their names and types are checked on a table
 * (test/control/metrics/families.test.ts).
 */
export interface MetricFamily {
  /** Starts with `espnow_`; counters end in `_total`; the unit (a base unit, plural) before it. */
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  /** One line; says the unit and where the value comes from. */
  readonly help: string;
  /** Label names, in the order they are printed. */
  readonly labels: readonly string[];
  /**
   * True when the family may have no sample at all (a value not known yet,
   * e.g. no broker heartbeat since start). A family without labels and
   * without samples is then left out of the exposition rather than shown
   * as 0.
   */
  readonly optional?: boolean;
  samples(snapshot: MetricsSnapshot): Iterable<Sample>;
}

/** Rounds away binary noise from unit conversions (`1013.27 * 100` is `101326.99999999999`). */
export const tidy = (value: number): number => Number(value.toPrecision(12));

/** A family with no labels and one value, or none when `value` returns undefined. */
export function single(
  name: string, type: MetricFamily['type'], help: string, value: (s: MetricsSnapshot) => number | undefined,
): MetricFamily {
  return {
    name, type, help, labels: [], optional: true,
    *samples(s) {
      const v = value(s);
      if (v !== undefined && Number.isFinite(v)) yield { labels: {}, value: v };
    },
  };
}
