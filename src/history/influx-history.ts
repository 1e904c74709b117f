import { InfluxDB, type QueryApi } from '@influxdata/influxdb-client';
import { silentLogger, type Logger } from '../log.ts';
import { fluxForPlan } from './flux-query.ts';
import { HistoryQueryError, HistoryStoreError } from './history-errors.ts';
import { DEFAULT_HISTORY_TIMEOUT_MS, DEFAULT_MAX_POINTS, DEFAULT_MAX_SERIES, type HistoryStore, type ReadingsQuery, type Series } from './history-store.ts';
import { classifyQueryError } from './influx-query-errors.ts';
import { planQuery } from './query-plan.ts';
import { SeriesGrid } from './series-grid.ts';

/** Options of {@link InfluxHistoryStore}; the first four come from the config (`history.url`, `influx.org`, `.bucket`, `.token`). */
export interface InfluxHistoryOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8086`. */
  url: string;
  org: string;
  bucket: string;
  /** API token with read permission on the bucket (secret; never logged). */
  token: string;
  /** Socket timeout of a query, ms. Default {@link DEFAULT_HISTORY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Most points per series. Default {@link DEFAULT_MAX_POINTS}. */
  maxPoints?: number;
  /** Most series per answer. Default {@link DEFAULT_MAX_SERIES}. */
  maxSeries?: number;
  log?: Logger;
}

/** Columns of a Flux table that are not tags: `_start`, `_time`, `_value`, `_field`, ... and the CSV's own. */
const isTagColumn = (label: string): boolean => !label.startsWith('_') && label !== 'result' && label !== 'table';

/** A Flux value as a number: booleans 1/0 (`relay`), empty null. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * History from InfluxDB 2: one Flux query per request through the client's
 * QueryApi (POST /api/v2/query), rows read as they stream in, so an answer
 * with too many series stops early.
 */
export class InfluxHistoryStore implements HistoryStore {
  readonly backend = 'influx' as const;
  private api?: QueryApi;

  constructor(private readonly options: InfluxHistoryOptions) {}

  async query(q: ReadingsQuery): Promise<Series[]> {
    const o = this.options;
    const plan = planQuery(q, o.maxPoints ?? DEFAULT_MAX_POINTS);
    const grid = new SeriesGrid(plan, o.maxSeries ?? DEFAULT_MAX_SERIES);
    const started = performance.now();
    const timeoutMs = o.timeoutMs ?? DEFAULT_HISTORY_TIMEOUT_MS;
    this.api ??= new InfluxDB({ url: o.url, token: o.token, timeout: timeoutMs }).getQueryApi(o.org);
    try {
      for await (const { values, tableMeta } of this.api.iterateRows(fluxForPlan(plan, o.bucket))) {
        const row = tableMeta.toObject(values);
        // InfluxDB reports a failure after the 200 status as a table with an `error` column.
        if (!('_value' in row) && 'error' in row) {
          throw new HistoryStoreError(`InfluxDB ${o.url} failed the history query: ${String(row.error)}`, { status: 200 });
        }
        const tags: Record<string, string> = {};
        for (const column of tableMeta.columns) if (isTagColumn(column.label) && row[column.label] != null) tags[column.label] = String(row[column.label]);
        grid.set(tags, Date.parse(String(row._time)), toNumber(row._value));
      }
    } catch (err) {
      if (err instanceof HistoryQueryError || err instanceof HistoryStoreError) throw err;
      throw classifyQueryError(err, { url: o.url, org: o.org, bucket: o.bucket, timeoutMs });
    }
    const series = grid.series();
    (o.log ?? silentLogger).debug({ measurement: plan.measurement, field: plan.field, series: series.length, points: plan.points, ms: Math.round(performance.now() - started) }, 'history query');
    return series;
  }
}
