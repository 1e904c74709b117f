/** What a duration in the config may look like, for error messages. */
export const DURATION_HINT = 'not a duration (e.g. 30s, 5m, 1h)';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration as the config writes it: one or more
 * `<integer><unit>` parts with units ms, s, m, h, d (`90s`, `5m`, `1h30m`,
 * `0s`). Undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(?:\d+(?:ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * UNIT_MS[unit];
  return Number.isSafeInteger(total) ? total : undefined;
}
