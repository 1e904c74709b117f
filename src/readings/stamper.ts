/**
 * Hands out receive timestamps in integer microseconds that strictly increase,
 * so two messages heard in the same millisecond (or after the wall clock
 * stepped back) never overwrite each other in InfluxDB, where a point with
 * the same series and time replaces the earlier one.
 */
export class Stamper {
  private last = -Infinity;

  /** `max(nowMs * 1000, previous + 1)`, rounded down to an integer; `nowMs` is wall-clock ms since the epoch. */
  next(nowMs: number): number {
    this.last = Math.max(Math.floor(nowMs * 1000), this.last + 1);
    return this.last;
  }
}
