/**
 * Wall-clock text for the screen: "07:05", "2 Sept", minutes since midnight.
 *
 * With no `timeZone` (the service: the Pi's own zone) this uses `Date`'s
 * local getters and a month table, never `Intl`: the first `Intl.DateTimeFormat`
 * maps about 6 MB of ICU locale data into the gateway's resident memory for
 * good, for two short strings a minute. A named `timeZone` (tests, a panel
 * showing another zone) goes through `Intl`, and the two agree (test/display).
 */

/** en-GB short month names, as `Intl.DateTimeFormat('en-GB', { month: 'short' })` gives them (ICU 72+: "Sept"). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats instants (ms since the epoch) in one time zone. */
export interface LocalTime {
  /** `HH:MM`, 24 h. */
  clock(ms: number): string;
  /** `D Mon`, e.g. `2 Dec`. */
  day(ms: number): string;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay(ms: number): number;
}

/** The process's local zone (`TZ`, else /etc/localtime), without `Intl`. */
const systemZone: LocalTime = {
  clock: (ms) => { const d = new Date(ms); return `${two(d.getHours())}:${two(d.getMinutes())}`; },
  day: (ms) => { const d = new Date(ms); return `${d.getDate()} ${MONTHS[d.getMonth()]}`; },
  minuteOfDay: (ms) => { const d = new Date(ms); return d.getHours() * 60 + d.getMinutes(); },
};

/** A named IANA zone through `Intl`. */
function namedZone(timeZone: string): LocalTime {
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone });
  return {
    clock: (ms) => time.format(ms),
    day: (ms) => day.format(ms),
    minuteOfDay: (ms) => {
      const parts = time.formatToParts(ms);
      const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
      return get('hour') * 60 + get('minute');
    },
  };
}

/** Text for `timeZone`, or for the process's own zone when it is not given. */
export const localTime = (timeZone?: string): LocalTime => (timeZone === undefined ? systemZone : namedZone(timeZone));
