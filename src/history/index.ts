/**
 * History: `GET /api/readings` served from the store the points went to.
 *
 * ```ts
 * const history = createHistoryStore(config, { log });   // undefined: answer 503 HISTORY_NOT_CONFIGURED
 * const series = await history.query({ measurement: 'environment', field: 'temperature', room: 'Kitchen',
 *   fromMs: Date.now() - 86_400_000, toMs: Date.now(), stepS: 600 });
 * ```
 */
export { createHistoryStore, type HistoryStoreOptions } from './create-history-store.ts';
export {
  DEFAULT_HISTORY_TIMEOUT_MS, DEFAULT_MAX_POINTS, DEFAULT_MAX_SERIES,
  type HistoryStore, type Measurement, type ReadingsQuery, type Series, type SeriesPoint,
} from './history-store.ts';
export { HISTORY_FIELDS, MEASUREMENT_TAGS, MEASUREMENTS, STRING_FIELDS, type Aggregate } from './fields.ts';
export {
  HISTORY_NOT_CONFIGURED_MESSAGE, HistoryQueryError, HistoryStoreError, HistoryUnavailableError, historyNotConfigured, type HistoryParam,
} from './history-errors.ts';
export { MAX_ROOM_LENGTH, MAX_STEP_S, planQuery, type QueryPlan } from './query-plan.ts';
export { buildFlux, fluxForPlan, fluxString } from './flux-query.ts';
export { buildRangeQuery, promString, rangeQueryForPlan, type RangeQueryParams } from './metricsql-query.ts';
export { InfluxHistoryStore, type InfluxHistoryOptions } from './influx-history.ts';
export { VictoriaHistoryStore, type VictoriaHistoryOptions } from './victoria-history.ts';
