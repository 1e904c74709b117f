/** How far back `GET /api/readings` looks without `from`, ms (24 h). */
export const DEFAULT_READINGS_SPAN_MS = 86_400_000;
/** Points per series `GET /api/readings` aims at without `step`. */
export const DEFAULT_READINGS_POINTS = 300;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A time from a query parameter: ms since the epoch (`1735689600000`) or an
 * ISO 8601 date-time (`2025-01-01T00:00:00Z`; without a zone it is UTC).
 * Undefined when it is neither. Pure.
 */
export function parseTimeParam(text: string): number | undefined {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i.test(text)) return undefined;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/[T ]/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A step from a query parameter: whole seconds (`600`) or with a unit (`90s`, `10m`, `1h`, `1d`). Undefined otherwise. Pure. */
export function parseStepParam(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text);
  return match ? Number(match[1]) * UNITS[match[2] || 's'] : undefined;
}

/** The step that cuts [fromMs, toMs) into about {@link DEFAULT_READINGS_POINTS} points, whole seconds, at least 1. Pure. */
export function defaultStepS(fromMs: number, toMs: number): number {
  return Math.max(1, Math.ceil((toMs - fromMs) / 1000 / DEFAULT_READINGS_POINTS));
}
