/** The local calendar day of `ms` (ms since the epoch), `YYYY-MM-DD` in the process' time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Energy used today per outlet, from the node's own counter (Wh, never goes
 * backwards): the first reading of each local day is kept as that day's
 * start, in memory. So on the gateway's first day "today" counts from its
 * start; a counter that went backwards (a replaced node) starts over.
 *
 * ```ts
 * const today = new EnergyToday();
 * today.observe('a2b2c2d2e2f3/1', Date.now(), 1234);
 * today.wh('a2b2c2d2e2f3/1', Date.now()); // 0
 * ```
 */
export class EnergyToday {
  private readonly starts = new Map<string, { day: string; wh: number; last: number }>();
  private readonly dayOf: (ms: number) => string;

  /** `dayOf` names the day of a time; default {@link localDay}. */
  constructor(dayOf: (ms: number) => string = localDay) {
    this.dayOf = dayOf;
  }

  /** A counter reading of `key`, Wh, heard at `atMs`. */
  observe(key: string, atMs: number, wh: number): void {
    const day = this.dayOf(atMs);
    const start = this.starts.get(key);
    if (start === undefined || start.day !== day || wh < start.wh) this.starts.set(key, { day, wh, last: wh });
    else start.last = wh;
  }

  /** Wh used on the day of `nowMs`; undefined when no reading of that day was seen. */
  wh(key: string, nowMs: number): number | undefined {
    const start = this.starts.get(key);
    return start === undefined || start.day !== this.dayOf(nowMs) ? undefined : start.last - start.wh;
  }
}
