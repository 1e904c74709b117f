/**
 * Numbers written as `String()` writes them, straight into a buffer, for
 * the line protocol (src/points/line-bytes.ts) and the event stream's JSON
 * (src/control/http/json-bytes.ts): `String(n)` of a number past 2^31 or of
 * a fraction is a runtime call and a string each time.
 */

/** Digits in the decimal text of `n`, a non-negative safe integer. */
export function digitCount(n: number): number {
  let count = 1;
  for (let p = 10; p <= n; p *= 10) count += 1;
  return count;
}

/**
 * Writes the digits of `n` (a non-negative safe integer, as `String(n)`
 * writes them) at `buf[at]`; returns the end. The caller makes room for
 * {@link digitCount}(n) bytes.
 */
export function writeDigits(n: number, buf: Buffer, at: number): number {
  const end = at + digitCount(n);
  let i = end;
  do {
    const q = Math.floor(n / 10);
    buf[--i] = 48 + (n - q * 10); // (n - q * 10) first: 48 + n would round past 2^53
    n = q;
  } while (n > 0);
  return end;
}

/** `.d`, `.dd` or `.ddd` for thousandths 1..999 (trailing zeros dropped), made as they are first needed. */
const FRACTIONS: string[] = new Array<string>(1000);
const FRACTION_BYTES: Buffer[] = new Array<Buffer>(1000);

/** `.d`, `.dd` or `.ddd` for thousandths 1..999, as `String()` ends a number with that fraction. */
export const fractionText = (frac: number): string => (FRACTIONS[frac] ??= `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`);

/**
 * `v` in thousandths (an integer) when `v` is a whole number of thousandths
 * below 1e12 and not an integer: every reading scaled by the record
 * table's divisors (10, 100, 1000). Such a value is the double nearest to
 * that decimal and no other decimal of at most 3 places is (its ulp is
 * under 0.0002), so `String(v)` is that decimal's digits. NaN for any
 * other value.
 */
export function thousandthsOf(v: number): number {
  if (Number.isInteger(v) || !(v > -1e12 && v < 1e12)) return NaN;
  const m = Math.round(v * 1000);
  return m / 1000 === v ? m : NaN;
}

/** Bytes {@link writeThousandths} writes for `m` (from {@link thousandthsOf}). */
export function thousandthsLength(m: number): number {
  const abs = Math.abs(m);
  const frac = abs % 1000;
  return (m < 0 ? 1 : 0) + digitCount((abs - frac) / 1000) + fractionText(frac).length;
}

/** Writes `String(m / 1000)` for `m` from {@link thousandthsOf} at `buf[at]`; returns the end. The caller makes room. */
export function writeThousandths(m: number, buf: Buffer, at: number): number {
  const abs = Math.abs(m);
  const frac = abs % 1000;
  if (m < 0) buf[at++] = 45;
  at = writeDigits((abs - frac) / 1000, buf, at);
  const bytes = (FRACTION_BYTES[frac] ??= Buffer.from(fractionText(frac)));
  buf.set(bytes, at);
  return at + bytes.length;
}
