import { formatMac } from '../protocol/mac.ts';
import { HISTORY_FIELDS, MEASUREMENT_TAGS, MEASUREMENTS, STRING_FIELDS, type Aggregate } from './fields.ts';
import { HistoryQueryError } from './history-errors.ts';
import { DEFAULT_MAX_POINTS, type Measurement, type ReadingsQuery } from './history-store.ts';

/** A validated {@link ReadingsQuery} on its step grid; what the query builders read. */
export interface QueryPlan {
  measurement: Measurement;
  field: string;
  aggregate: Aggregate;
  room?: string;
  /** As the `node` tag is stored: `aa:bb:cc:dd:ee:ff`. */
  node?: string;
  /** As the `channel` tag is stored: decimal. */
  channel?: string;
  /** `fromMs` rounded down to a multiple of the step, ms since the epoch: the first point's time. */
  startMs: number;
  /** `toMs` rounded up to a multiple of the step, ms (exclusive). */
  endMs: number;
  stepS: number;
  /** Points per series: (endMs - startMs) / step. */
  points: number;
}

/** Longest room name a query accepts, characters. */
export const MAX_ROOM_LENGTH = 256;
/** Dates JavaScript can represent, ms (±100,000,000 days); ranges are kept to non-negative ones. */
const MAX_TIME_MS = 8.64e15;
/** Longest step, s (one year): anything longer is a typo in a unit. */
export const MAX_STEP_S = 366 * 86_400;

/**
 * Checks a history request against the tables of docs/protocol.md section 3
 * and puts it on its step grid. Pure. Throws {@link HistoryQueryError} naming
 * the parameter. `maxPoints` bounds the points per series (default
 * {@link DEFAULT_MAX_POINTS}).
 */
export function planQuery(q: ReadingsQuery, maxPoints = DEFAULT_MAX_POINTS): QueryPlan {
  const measurement = checkMeasurement(q.measurement);
  const field = checkField(measurement, q.field);
  const tags = MEASUREMENT_TAGS[measurement];
  const plan: QueryPlan = { measurement, field, aggregate: HISTORY_FIELDS[measurement][field], ...grid(q, maxPoints) };
  if (q.room !== undefined) {
    if (!tags.room) throw new HistoryQueryError('room', `the ${measurement} measurement has no room tag`);
    if (typeof q.room !== 'string' || q.room === '' || q.room.length > MAX_ROOM_LENGTH) {
      throw new HistoryQueryError('room', `must be a room name of 1..${MAX_ROOM_LENGTH} characters`);
    }
    plan.room = q.room;
  }
  if (q.node !== undefined) {
    if (!tags.node) throw new HistoryQueryError('node', `the ${measurement} measurement has no node tag`);
    plan.node = checkNode(q.node);
  }
  if (q.channel !== undefined) {
    if (!tags.channel) throw new HistoryQueryError('channel', `the ${measurement} measurement has no channel tag (power, input and command have)`);
    if (!Number.isInteger(q.channel) || q.channel < 0 || q.channel > 255) throw new HistoryQueryError('channel', `${JSON.stringify(q.channel)} is not a channel (0..255)`);
    plan.channel = String(q.channel);
  }
  return plan;
}

function checkMeasurement(value: unknown): Measurement {
  if (typeof value === 'string' && (MEASUREMENTS as string[]).includes(value)) return value as Measurement;
  throw new HistoryQueryError('measurement', `${JSON.stringify(value)} is not a measurement (${MEASUREMENTS.join(', ')})`);
}

function checkField(measurement: Measurement, value: unknown): string {
  const fields = HISTORY_FIELDS[measurement];
  if (typeof value === 'string' && Object.hasOwn(fields, value)) return value;
  const names = Object.keys(fields).join(', ');
  if (typeof value === 'string' && STRING_FIELDS[measurement]?.includes(value)) {
    throw new HistoryQueryError('field', `${measurement}.${value} is stored as a string; history serves numbers (${names})`);
  }
  throw new HistoryQueryError('field', `${JSON.stringify(value)} is not a numeric field of ${measurement} (${names})`);
}

function checkNode(value: unknown): string {
  try {
    if (typeof value === 'string') return formatMac(value);
  } catch {
    // reported below, naming the parameter
  }
  throw new HistoryQueryError('node', `${JSON.stringify(value)} is not a MAC address (12 hex digits)`);
}

function checkTime(param: 'from' | 'to', value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_TIME_MS) return value;
  throw new HistoryQueryError(param, `${JSON.stringify(value)} is not a time (ms since 1970-01-01, not negative)`);
}

function grid(q: ReadingsQuery, maxPoints: number): Pick<QueryPlan, 'startMs' | 'endMs' | 'stepS' | 'points'> {
  const fromMs = checkTime('from', q.fromMs);
  const toMs = checkTime('to', q.toMs);
  if (toMs <= fromMs) throw new HistoryQueryError('to', `must be after from (from ${iso(fromMs)}, to ${iso(toMs)})`);
  const stepS = q.stepS;
  if (!Number.isInteger(stepS) || stepS < 1 || stepS > MAX_STEP_S) {
    throw new HistoryQueryError('step', `${JSON.stringify(stepS)} is not a step (whole seconds, 1..${MAX_STEP_S})`);
  }
  const aligned = alignedGrid(fromMs, toMs, stepS);
  if (aligned.points > maxPoints) {
    throw new HistoryQueryError(
      'step',
      `${stepS} s gives ${aligned.points} points per series from ${iso(fromMs)} to ${iso(toMs)}, at most ${maxPoints} are served: ` +
        `use a step of at least ${smallestStep(fromMs, toMs, maxPoints)} s`,
    );
  }
  return { ...aligned, stepS };
}

function alignedGrid(fromMs: number, toMs: number, stepS: number): { startMs: number; endMs: number; points: number } {
  const stepMs = stepS * 1000;
  const startMs = Math.floor(fromMs / stepMs) * stepMs;
  const endMs = Math.ceil(toMs / stepMs) * stepMs;
  return { startMs, endMs, points: Math.round((endMs - startMs) / stepMs) };
}

/** The least whole-second step whose aligned grid over [from, to) has at most `maxPoints` points. */
function smallestStep(fromMs: number, toMs: number, maxPoints: number): number {
  const spanS = (toMs - fromMs) / 1000;
  let stepS = Math.max(1, Math.ceil(spanS / maxPoints));
  // A step of span / (maxPoints - 1) always fits, however the grid falls: the search ends there.
  const enough = maxPoints > 1 ? Math.max(1, Math.ceil(spanS / (maxPoints - 1))) : MAX_STEP_S;
  while (stepS < enough && alignedGrid(fromMs, toMs, stepS).points > maxPoints) stepS += 1;
  return stepS;
}

const iso = (ms: number): string => new Date(ms).toISOString();
