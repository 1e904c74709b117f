/**
 * Decimal digits written straight into a buffer, for the line protocol
 * (src/points/line-bytes.ts) and the event stream's JSON
 * (src/control/http/json-bytes.ts): `String(n)` of a number past 2^31 is a
 * runtime call and a string each time.
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
