/**
 * What the panel's 20x4 LCD shows (record 0x58), pure: each line at most
 * {@link LCD_COLUMNS} characters, at most {@link LCD_LINES} lines, the whole
 * at most 80 bytes of UTF-8 (the record's limit).
 */
import { MAX_TEXT_BYTES } from '../../commands/command-action.ts';

/** Characters per LCD line. */
export const LCD_COLUMNS = 20;
/** Lines of the LCD. */
export const LCD_LINES = 4;

/** One outlet as the LCD shows it; every reading may be unknown. */
export interface OutletFigures {
  /** First line: the binding's name, or room and channel. */
  readonly name: string;
  /** W */ readonly power?: number;
  /** A */ readonly current?: number;
  /** Wh since local midnight (or since the gateway started, on its first day). */
  readonly energyTodayWh?: number;
  /** The relay state the node confirmed; undefined = not known yet. */
  readonly relay?: boolean;
  /** The node's safety trip (record 0x15): 1 over-current, 2 over-power, 3 humidity, 4 over-temperature; 0 = none. */
  readonly trip?: number;
}

const TRIPS: Readonly<Record<number, string>> = { 1: 'over-current', 2: 'over-power', 3: 'humidity', 4: 'over-temp' };

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '--' : value.toFixed(digits);

/** Cuts `text` to `columns` characters (code points, so a multi-byte letter is never split). */
export const clip = (text: string, columns = LCD_COLUMNS): string => [...text].slice(0, columns).join('');

/**
 * The text of 4 lines for `lines`: each clipped to 20 characters, lines
 * after the 4th dropped, then the longest line shortened until the whole fits
 * 80 bytes of UTF-8 (names in non-Latin scripts take up to 4 bytes a letter).
 */
export function lcdText(lines: readonly string[]): string {
  const out = lines.slice(0, LCD_LINES).map((l) => [...clip(l.replace(/[\r\n]/g, ' '))]);
  const bytes = (): number => Buffer.byteLength(out.map((l) => l.join('')).join('\n'), 'utf8');
  while (bytes() > MAX_TEXT_BYTES) {
    const longest = out.reduce((a, b) => (Buffer.byteLength(b.join('')) > Buffer.byteLength(a.join('')) ? b : a));
    longest.pop();
  }
  return out.map((l) => l.join('')).join('\n');
}

/** The relay line: `relay on`, `relay off`, `relay unknown`, or the trip that opened it. */
export function relayLine(relay: boolean | undefined, trip?: number): string {
  if (trip !== undefined && trip > 0) return `off: ${TRIPS[trip] ?? `trip ${trip}`}`;
  return relay === undefined ? 'relay unknown' : `relay ${relay ? 'on' : 'off'}`;
}

/**
 * A short press: name, `123.4 W  0.54 A`, `today 1.23 kWh`, relay state.
 * An unknown reading shows as `--`.
 */
export function outletText(o: OutletFigures): string {
  const kwh = o.energyTodayWh === undefined ? undefined : o.energyTodayWh / 1000;
  return lcdText([
    o.name,
    `${fixed(o.power, 1)} W  ${fixed(o.current, 2)} A`,
    `today ${fixed(kwh, 2)} kWh`,
    relayLine(o.relay, o.trip),
  ]);
}

/** A refusal or failure: name, what did not happen, why (e.g. `broker silent`). */
export function problemText(name: string, what: string, why: string): string {
  return lcdText([name, what, why]);
}
