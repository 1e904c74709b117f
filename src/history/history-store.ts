/**
 * The read side of the time-series store the points went to: what
 * `GET /api/readings` asks. Two implementations, chosen by the config's
 * `history.backend` (see create-history-store.ts): InfluxDB 2 (Flux) and
 * VictoriaMetrics (its Prometheus query API).
 */

/** Measurements of docs/protocol.md section 3 (and `command`, section 4). */
export type Measurement = 'environment' | 'node' | 'power' | 'broker' | 'input' | 'command';

/** One history request. Times are ms since the epoch; the range is cut into steps of `stepS` seconds. */
export interface ReadingsQuery {
  measurement: Measurement;
  /** A numeric field of `measurement` (see {@link HISTORY_FIELDS} in fields.ts), e.g. `temperature`. */
  field: string;
  /** Only series whose tag `room` is exactly this (the name from the config, or `unknown`). */
  room?: string;
  /** Only this node: a MAC in any spelling the config accepts (`a2:b2:..`, `A2-B2-..`, `a2b2..`). */
  node?: string;
  /** Only this channel (power, input, command), 1..255. */
  channel?: number;
  /** Start of the range, ms since the epoch (inclusive; rounded down to a multiple of the step). */
  fromMs: number;
  /** End of the range, ms since the epoch (exclusive; rounded up to a multiple of the step). */
  toMs: number;
  /** Step, whole seconds: one point per step and series, at most {@link DEFAULT_MAX_POINTS} per series. */
  stepS: number;
}

/** A point: the start of its step (ms since the epoch) and the step's aggregate, or null when the step had no data. */
export type SeriesPoint = [timeMs: number, value: number | null];

/**
 * One series per tag set (per node, room, channel, gateway). Every series of
 * one answer has the same points grid: one point per step from the range's
 * rounded-down start, nulls where there was no data. Booleans (`relay`) are 1/0.
 */
export interface Series {
  /** The point's tags as stored: `room`, `node` (`aa:bb:cc:dd:ee:ff`), `gateway`, `channel` when it has one. */
  tags: Record<string, string>;
  points: SeriesPoint[];
}

/** Reads history. Throws HistoryQueryError (bad request), HistoryUnavailableError (retry later) or HistoryStoreError (the store refused, see its message). */
export interface HistoryStore {
  /** Which backend answers, for logs and `/api/health`. */
  readonly backend: 'influx' | 'victoria-metrics';
  query(q: ReadingsQuery): Promise<Series[]>;
}

/** Most points per series one query may return; the step must be long enough. */
export const DEFAULT_MAX_POINTS = 2000;
/** Most series one query may return (e.g. `power` of every outlet of every node); name a room or node to narrow it. */
export const DEFAULT_MAX_SERIES = 100;
/** Per-request timeout of a history query, ms. */
export const DEFAULT_HISTORY_TIMEOUT_MS = 10_000;
