import type { Aggregate } from './fields.ts';
import { DEFAULT_MAX_POINTS, type ReadingsQuery } from './history-store.ts';
import { planQuery, type QueryPlan } from './query-plan.ts';

/** Escapes inside a double-quoted PromQL/MetricsQL string (Go's strconv.Unquote rules: no raw newline). */
const PROM_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `value` as a double-quoted PromQL/MetricsQL string, quotes included: nothing in it can end the string. */
export function promString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (m) => PROM_ESCAPES[m])}"`;
}

/** The rollup over one step for each {@link Aggregate}. */
const ROLLUP: Readonly<Record<Aggregate, string>> = { mean: 'avg_over_time', last: 'last_over_time', max: 'max_over_time', sum: 'sum_over_time' };

/** Query parameters of VictoriaMetrics' `GET /api/v1/query_range`. */
export interface RangeQueryParams {
  /** e.g. `avg_over_time({__name__="environment_temperature",room="Kitchen"}[60s])`. */
  query: string;
  /** Unix seconds with ms, the first evaluation time. */
  start: string;
  /** Unix seconds with ms, the last evaluation time. */
  end: string;
  /** e.g. `60s`. */
  step: string;
  /** `1`: VictoriaMetrics must not move start and end onto its own step grid (it does for 50+ points, for its cache). */
  nocache: '1';
}

/**
 * The range query for a history request. VictoriaMetrics stores line
 * protocol as metric `<measurement>_<field>` with the tags as labels, so
 * `environment.temperature` in room Kitchen is
 * `{__name__="environment_temperature",room="Kitchen"}`. A rollup evaluated
 * at `t` covers the samples in `(t - step, t]`; evaluating at each step's
 * start + step - 1 ms makes that `[start, start + step)`, the same steps as
 * Flux's aggregateWindow (timestamps are whole ms in VictoriaMetrics).
 * Pure. Validates `q` first (throws HistoryQueryError); every label value goes
 * through {@link promString}.
 */
export function buildRangeQuery(q: ReadingsQuery, maxPoints = DEFAULT_MAX_POINTS): RangeQueryParams {
  return rangeQueryForPlan(planQuery(q, maxPoints));
}

/** {@link buildRangeQuery} for a plan already made. */
export function rangeQueryForPlan(plan: QueryPlan): RangeQueryParams {
  const labels = [
    `__name__=${promString(`${plan.measurement}_${plan.field}`)}`,
    ...(plan.room === undefined ? [] : [`room=${promString(plan.room)}`]),
    ...(plan.node === undefined ? [] : [`node=${promString(plan.node)}`]),
    ...(plan.channel === undefined ? [] : [`channel=${promString(plan.channel)}`]),
  ];
  const stepMs = plan.stepS * 1000;
  return {
    query: `${ROLLUP[plan.aggregate]}({${labels.join(',')}}[${plan.stepS}s])`,
    start: seconds(plan.startMs + stepMs - 1),
    end: seconds(plan.endMs - 1),
    step: `${plan.stepS}s`,
    nocache: '1',
  };
}

/** The start of the step a VictoriaMetrics evaluation time (Unix seconds) belongs to, ms. */
export function stepStartOf(evaluatedS: number, stepS: number): number {
  return Math.round(evaluatedS * 1000) + 1 - stepS * 1000;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
