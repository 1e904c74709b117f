import { MEASUREMENTS } from '../../../history/fields.ts';
import { historyNotConfigured } from '../../../history/history-errors.ts';
import type { Measurement } from '../../../history/history-store.ts';
import { ApiError } from '../api-error.ts';
import type { ApiApp, RouteContext } from '../build-app.ts';
import { array, errors, MacParam, obj, ref } from '../schemas.ts';
import { DEFAULT_READINGS_SPAN_MS, defaultStepS, parseStepParam, parseTimeParam } from '../time-param.ts';
import { macParam } from './params.ts';

const TIME = 'ISO 8601 (2025-01-01T00:00:00Z; no zone = UTC) or ms since the epoch';

const ReadingsQuery = obj({
  measurement: { enum: MEASUREMENTS },
  field: { type: 'string', minLength: 1, description: 'A numeric field of the measurement: temperature, humidity, power, ...' },
  room: { type: 'string', minLength: 1, description: 'Only this room (as in the config, or unknown)' },
  node: MacParam,
  channel: { type: 'integer', minimum: 0, maximum: 255 },
  from: { type: 'string', description: `Start (inclusive), ${TIME}. Default 24 h before to` },
  to: { type: 'string', description: `End (exclusive), ${TIME}. Default now` },
  step: { type: 'string', description: 'Step: seconds (600) or with a unit (90s, 10m, 1h, 1d). Default: about 300 points' },
}, ['measurement', 'field'], { additionalProperties: false });

/** What {@link ReadingsQuery} lets through. */
interface Readings {
  measurement: Measurement; field: string; room?: string; node?: string; channel?: number; from?: string; to?: string; step?: string;
}

const ReadingsAnswer = obj({
  measurement: { type: 'string' }, field: { type: 'string' },
  fromMs: { type: 'number' }, toMs: { type: 'number' }, stepS: { type: 'integer' },
  series: array(ref('Series')),
}, ['measurement', 'field', 'fromMs', 'toMs', 'stepS', 'series']);

function time(name: 'from' | 'to', text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseTimeParam(text);
  if (ms === undefined) throw new ApiError(400, 'BAD_REQUEST', `query/${name}: ${JSON.stringify(text)} is not a time (${TIME})`);
  return ms;
}

/** `GET /api/readings`: history from the store the points went to (503 HISTORY_NOT_CONFIGURED without one). */
export function readingRoutes(app: ApiApp, { deps }: RouteContext): void {
  app.get<{ Querystring: Readings }>('/api/readings', {
    schema: {
      tags: ['readings'], summary: 'History of one field, one series per node/room/channel, on a step grid',
      querystring: ReadingsQuery, response: { 200: ReadingsAnswer, ...errors(400, 401, 403, 502, 503) },
    },
  }, async (req) => {
    const q = req.query;
    if (!deps.history) throw historyNotConfigured();
    const toMs = time('to', q.to, deps.now());
    const fromMs = time('from', q.from, toMs - DEFAULT_READINGS_SPAN_MS);
    const stepS = q.step === undefined ? defaultStepS(fromMs, toMs) : parseStepParam(q.step);
    if (stepS === undefined) throw new ApiError(400, 'BAD_REQUEST', `query/step: ${JSON.stringify(q.step)} is not a step (seconds, or 90s, 10m, 1h, 1d)`);
    const series = await deps.history.query({
      measurement: q.measurement, field: q.field, fromMs, toMs, stepS,
      ...(q.room !== undefined ? { room: q.room } : {}),
      ...(q.node !== undefined ? { node: macParam(q.node, 'query/node') } : {}),
      ...(q.channel !== undefined ? { channel: q.channel } : {}),
    });
    return { measurement: q.measurement, field: q.field, fromMs, toMs, stepS, series };
  });
}
