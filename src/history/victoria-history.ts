import { HttpTimeoutError, sendRequest, type HttpAnswer } from '../http-request.ts';
import { silentLogger, type Logger } from '../log.ts';
import { HistoryStoreError, HistoryUnavailableError } from './history-errors.ts';
import { DEFAULT_HISTORY_TIMEOUT_MS, DEFAULT_MAX_POINTS, DEFAULT_MAX_SERIES, type HistoryStore, type ReadingsQuery, type Series } from './history-store.ts';
import { rangeQueryForPlan, stepStartOf } from './metricsql-query.ts';
import { planQuery, type QueryPlan } from './query-plan.ts';
import { SeriesGrid } from './series-grid.ts';

/** Options of {@link VictoriaHistoryStore}. */
export interface VictoriaHistoryOptions {
  /** Base URL (`history.url`), e.g. `http://127.0.0.1:8428`, or a vmselect prefix `http://h:8481/select/0/prometheus`. */
  url: string;
  /** Sent as `Authorization: Token <token>` (as the writes are) when given; VictoriaMetrics itself ignores it, a proxy may not. Secret. */
  token?: string;
  /** Whole-request timeout, ms. Default {@link DEFAULT_HISTORY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Most points per series. Default {@link DEFAULT_MAX_POINTS}. */
  maxPoints?: number;
  /** Most series per answer. Default {@link DEFAULT_MAX_SERIES}. */
  maxSeries?: number;
  log?: Logger;
}

/** The part of a `query_range` answer that is read. */
interface RangeAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }> };
}

/**
 * History from VictoriaMetrics through its Prometheus query API
 * (`GET /api/v1/query_range`, MetricsQL). The answer's matrix is put on the
 * same grid as the InfluxDB store's, nulls where a step had no sample.
 */
export class VictoriaHistoryStore implements HistoryStore {
  readonly backend = 'victoria-metrics' as const;

  constructor(private readonly options: VictoriaHistoryOptions) {}

  async query(q: ReadingsQuery): Promise<Series[]> {
    const o = this.options;
    const plan = planQuery(q, o.maxPoints ?? DEFAULT_MAX_POINTS);
    const started = performance.now();
    const answer = await this.fetchRange(plan);
    const series = this.toSeries(plan, answer);
    (o.log ?? silentLogger).debug({ measurement: plan.measurement, field: plan.field, series: series.length, points: plan.points, ms: Math.round(performance.now() - started) }, 'history query');
    return series;
  }

  private async fetchRange(plan: QueryPlan): Promise<RangeAnswer> {
    const { url, token } = this.options;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_HISTORY_TIMEOUT_MS;
    const at = `VictoriaMetrics ${url}`;
    const target = new URL('api/v1/query_range', url.endsWith('/') ? url : `${url}/`);
    target.search = new URLSearchParams({ ...rangeQueryForPlan(plan) }).toString();
    let res: HttpAnswer;
    try {
      res = await sendRequest(target, { headers: token ? { authorization: `Token ${token}` } : {}, timeoutMs });
    } catch (err) {
      if (err instanceof HttpTimeoutError) throw new HistoryUnavailableError(`${at}: history query timed out (no answer in ${timeoutMs} ms)`, err);
      throw new HistoryUnavailableError(`${at} unreachable: ${(err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err)}`, err);
    }
    const text = res.body;
    const answer = parseAnswer(text);
    const reason = answer?.error ?? (text.trim().slice(0, 200) || res.statusText);
    const ok = res.status >= 200 && res.status < 300;
    if (res.status === 429 || res.status >= 500) throw new HistoryUnavailableError(`${at} answered ${res.status} ${reason}; try again later`);
    if (res.status === 401 || res.status === 403) {
      throw new HistoryStoreError(`history.url: ${at} wants other credentials (${res.status} ${reason}); the gateway sends the influx token only to the influx.url host`, { status: res.status });
    }
    if (!ok || answer?.status !== 'success') throw new HistoryStoreError(`${at} refused the history query (${res.status} ${reason})`, { status: res.status });
    return answer;
  }

  private toSeries(plan: QueryPlan, answer: RangeAnswer): Series[] {
    if (answer.data?.resultType !== 'matrix' || !Array.isArray(answer.data.result)) {
      throw new HistoryStoreError(`VictoriaMetrics ${this.options.url} answered a ${answer.data?.resultType ?? 'missing'} result, not a matrix`);
    }
    const grid = new SeriesGrid(plan, this.options.maxSeries ?? DEFAULT_MAX_SERIES);
    for (const { metric = {}, values = [] } of answer.data.result) {
      const tags = Object.fromEntries(Object.entries(metric).filter(([label]) => label !== '__name__'));
      for (const [evaluatedS, value] of values) grid.set(tags, stepStartOf(evaluatedS, plan.stepS), Number(value));
    }
    return grid.series();
  }
}

function parseAnswer(text: string): RangeAnswer | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as RangeAnswer) : undefined;
  } catch {
    return undefined;
  }
}
