import { HistoryQueryError } from './history-errors.ts';
import { DEFAULT_MAX_SERIES, type Series } from './history-store.ts';
import type { QueryPlan } from './query-plan.ts';

/**
 * Collects a store's answer onto the plan's grid: one {@link Series} per tag
 * set, every one with `plan.points` points, null where nothing was stored.
 * Both backends fill it, so both answer in the same shape. Throws
 * {@link HistoryQueryError} `HISTORY_TOO_MANY_SERIES` when the
 * `maxSeries + 1`th tag set arrives (the caller stops reading there).
 */
export class SeriesGrid {
  private readonly byKey = new Map<string, Series>();

  constructor(
    private readonly plan: QueryPlan,
    private readonly maxSeries = DEFAULT_MAX_SERIES,
  ) {}

  /** Sets the value of the step that starts at `timeMs` (ms); times off the grid (or NaN) add the series but no value; a NaN value is null. */
  set(tags: Record<string, string>, timeMs: number, value: number | null): void {
    const index = Math.round((timeMs - this.plan.startMs) / (this.plan.stepS * 1000));
    const series = this.seriesFor(tags);
    if (!(index >= 0 && index < this.plan.points)) return;
    series.points[index][1] = value === null || Number.isNaN(value) ? null : value;
  }

  /** The series collected so far, ordered by their tags. */
  series(): Series[] {
    return [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }

  private seriesFor(tags: Record<string, string>): Series {
    const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    const key = JSON.stringify(sorted);
    let series = this.byKey.get(key);
    if (series) return series;
    if (this.byKey.size >= this.maxSeries) {
      const { measurement, field, room } = this.plan;
      throw new HistoryQueryError(
        room === undefined ? 'room' : 'node',
        `more than ${this.maxSeries} series of ${measurement}.${field} match; name a ${room === undefined ? 'room or node' : 'node'} to narrow the query`,
        'HISTORY_TOO_MANY_SERIES',
      );
    }
    const stepMs = this.plan.stepS * 1000;
    series = { tags: sorted, points: Array.from({ length: this.plan.points }, (_, i) => [this.plan.startMs + i * stepMs, null]) };
    this.byKey.set(key, series);
    return series;
  }
}
