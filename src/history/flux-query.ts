import type { Aggregate } from './fields.ts';
import { DEFAULT_MAX_POINTS, type ReadingsQuery } from './history-store.ts';
import { planQuery, type QueryPlan } from './query-plan.ts';

/** Flux's escapes inside a string literal (Flux spec, "String literals"): `${` would start an interpolation. */
const FLUX_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '${': '\\${' };

/** `value` as a Flux string literal, quotes included: nothing in it can end the string or interpolate. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]|\$\{/g, (m) => FLUX_ESCAPES[m])}"`;
}

/** aggregateWindow's `fn` for each {@link Aggregate}. */
const FLUX_FN: Readonly<Record<Aggregate, string>> = { mean: 'mean', last: 'last', max: 'max', sum: 'sum' };

/**
 * The Flux query for a history request, e.g.
 *
 * ```flux
 * from(bucket: "sensors")
 *   |> range(start: 2023-11-14T22:00:00.000Z, stop: 2023-11-14T23:00:00.000Z)
 *   |> filter(fn: (r) => r._measurement == "environment" and r._field == "temperature" and r.room == "Kitchen")
 *   |> aggregateWindow(every: 60s, fn: mean, createEmpty: true, timeSrc: "_start")
 *   |> yield(name: "history")
 * ```
 *
 * Pure. Validates `q` first ({@link planQuery}, throws HistoryQueryError).
 * Every string (bucket, room, MAC) goes through {@link fluxString}; times
 * and the step are numbers written by this function.
 */
export function buildFlux(q: ReadingsQuery, bucket: string, maxPoints = DEFAULT_MAX_POINTS): string {
  return fluxForPlan(planQuery(q, maxPoints), bucket);
}

/** {@link buildFlux} for a plan already made. */
export function fluxForPlan(plan: QueryPlan, bucket: string): string {
  const match = [
    `r._measurement == ${fluxString(plan.measurement)}`,
    `r._field == ${fluxString(plan.field)}`,
    ...(plan.room === undefined ? [] : [`r.room == ${fluxString(plan.room)}`]),
    ...(plan.node === undefined ? [] : [`r.node == ${fluxString(plan.node)}`]),
    ...(plan.channel === undefined ? [] : [`r.channel == ${fluxString(plan.channel)}`]),
  ];
  return [
    `from(bucket: ${fluxString(bucket)})`,
    `  |> range(start: ${new Date(plan.startMs).toISOString()}, stop: ${new Date(plan.endMs).toISOString()})`,
    `  |> filter(fn: (r) => ${match.join(' and ')})`,
    `  |> aggregateWindow(every: ${plan.stepS}s, fn: ${FLUX_FN[plan.aggregate]}, createEmpty: true, timeSrc: "_start")`,
    '  |> yield(name: "history")',
  ].join('\n');
}
