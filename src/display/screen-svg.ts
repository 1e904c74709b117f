import { fitText, textElement, textWidth, type TextStyle } from './font.ts';
import type { RoomRow, ScreenModel } from './screen-model.ts';

/** The drawing in two parts: everything but the clock, and the clock (changes every time). */
export interface ScreenSvg {
  /** The whole SVG document. */
  svg: string;
  /** The SVG without the clock: equal bodies mean the picture did not change. */
  body: string;
  /** Pages the rooms need; the page drawn is `page % pages`. */
  pages: number;
}

const BLACK = '#000';
const RED = '#f00';
const WHITE = '#fff';
const HEADER = 17;
const BANNER_LINE = 13;

// Smallest sizes that stay legible in one bit per pixel (see font.ts): regular 11 px, bold 12 px.
const TITLE: TextStyle = { size: 13, face: 'bold' };
const BANNER: TextStyle = { size: 11, face: 'bold' };
const NAME: TextStyle = { size: 12, face: 'bold' };
const BIG_NAME: TextStyle = { size: 13, face: 'bold' };
const SMALL: TextStyle = { size: 11 };
const right = (style: TextStyle): TextStyle => ({ ...style, anchor: 'end' });

const rect = (x: number, y: number, w: number, h: number, fill: string): string =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/>`;
const text = (s: string, x: number, y: number, style: TextStyle, fill: string): string => textElement(s, x, y, style, fill);

/** One way of drawing a room: the px it needs and how to draw it into a row `height` px tall. */
interface RowKind {
  height: number;
  draw: (row: RoomRow, y: number, width: number, height: number) => string;
}

/** Wide screens (landscape) have room for columns; narrow ones (portrait) stack lines. */
const isWide = (width: number): boolean => width >= 200;

/**
 * Row kinds from most to least room: a big row with every reading, a two-line
 * row, a one-line row. The screen uses the first kind that fits every room,
 * else one-line rows on pages.
 */
function rowKinds(width: number): RowKind[] {
  const wide = isWide(width);
  return [
    { height: wide ? 44 : 72, draw: wide ? bigWideRow : bigNarrowRow },
    { height: 28, draw: wide ? mediumWideRow : mediumNarrowRow },
    { height: 14, draw: compactRow },
  ];
}

/**
 * Lays the screen out for `width` × `height` px (either orientation): a black
 * title bar with the clock, a red banner when InfluxDB is unreachable or the
 * disk refuses the spool (`Disk full`), then one
 * row per room, as large as the number of rooms allows, and pages when even
 * one-line rows do not fit. Anything needing a person is red. Every pixel ends
 * up black, white or red (see render-screen.ts).
 */
export function buildScreenSvg(model: ScreenModel, width: number, height: number, page = 0): ScreenSvg {
  const parts: string[] = [rect(0, 0, width, height, WHITE), rect(0, 0, width, HEADER, BLACK)];
  let top = HEADER + 1;
  if (model.banner) {
    const lines = bannerLines(model.banner, width - 4);
    parts.push(rect(0, top, width, lines.length * BANNER_LINE + 1, RED));
    lines.forEach((line, i) => parts.push(text(line, 2, top + 10 + i * BANNER_LINE, BANNER, WHITE)));
    top += lines.length * BANNER_LINE + 2;
  }
  const area = height - top;
  const count = model.rows.length;
  const kinds = rowKinds(width);
  const kind = kinds.find((k) => count * k.height <= area) ?? kinds.at(-1)!;
  const rowHeight = count * kind.height <= area ? Math.floor(area / Math.max(1, count)) : kind.height;
  const perPage = Math.max(1, Math.floor(area / kind.height));
  const pages = Math.max(1, Math.ceil(count / perPage));
  const shown = model.rows.slice((page % pages) * perPage, (page % pages + 1) * perPage);
  const step = pages > 1 ? kind.height : Math.min(rowHeight, kind === kinds[0] ? 2 * kind.height : kind.height + 6);
  shown.forEach((row, i) => {
    const y = top + i * step;
    parts.push(kind.draw(row, y, width, step));
    if (i < shown.length - 1) parts.push(rect(0, y + step - 1, width, 1, BLACK));
  });
  if (count === 0) parts.push(text('No sensor heard yet', 2, top + 14, SMALL, BLACK));

  const clockStyle = right(TITLE);
  const clockWidth = Math.ceil(textWidth(model.clock, clockStyle));
  const pageLabel = pages > 1 ? ` ${(page % pages) + 1}/${pages}` : '';
  // The page number is never cut: the gateway name gives way.
  const titleMax = width - clockWidth - 8 - Math.ceil(textWidth(pageLabel, TITLE));
  parts.splice(2, 0, text(fitText(model.title, titleMax, TITLE) + pageLabel, 2, 13, TITLE, WHITE));
  const body = parts.join('');
  const clock = text(model.clock, width - 2, 13, clockStyle, WHITE);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" shape-rendering="crispEdges">`;
  return { svg: `${open}${body}${clock}</svg>`, body, pages };
}

/** The banner on one line, or broken at its ` · ` and then between words when too long (portrait). */
function bannerLines(banner: string, maxWidth: number): string[] {
  if (textWidth(banner, BANNER) <= maxWidth) return [banner];
  const lines: string[] = [];
  for (const part of banner.split(' · ')) {
    let line = '';
    for (const word of part.split(' ')) {
      const longer = line ? `${line} ${word}` : word;
      if (line && textWidth(longer, BANNER) > maxWidth) {
        lines.push(line);
        line = word;
      } else line = longer;
    }
    lines.push(fitText(line, maxWidth, BANNER));
  }
  return lines;
}

/** Heard time, or what needs a person. */
const status = (row: RoomRow): string => (row.alerts.length ? row.alerts.join(', ') : `heard ${row.heard}`);
const colourOf = (row: RoomRow): string => (row.alerts.length ? RED : BLACK);

/** Largest of `sizes` at which the temperature fits in `maxWidth` px. */
function temperatureStyle(temperature: string, maxWidth: number, sizes: number[]): TextStyle {
  const fits = sizes.find((size) => textWidth(temperature, { size, face: 'bold' }) <= maxWidth);
  return { size: fits ?? sizes.at(-1)!, face: 'bold' };
}

/** Landscape, few rooms: name, status and pressure/light on the left; big temperature and humidity on the right. */
function bigWideRow(row: RoomRow, y: number, width: number, height: number): string {
  const y0 = y + Math.floor((height - 44) / 2);
  const temp = temperatureStyle(row.temperature, width / 2 - 8, height >= 60 ? [36, 28] : [28]);
  const tempWidth = Math.ceil(textWidth(row.temperature, temp));
  const leftMax = width - tempWidth - 10;
  const big = temp.size > 28;
  const extra = [row.pressure, row.light].filter(Boolean).join(' · ');
  return [
    text(fitText(row.name, leftMax, BIG_NAME), 2, y0 + 12, BIG_NAME, colourOf(row)),
    text(fitText(status(row), leftMax, SMALL), 2, y0 + 27, SMALL, colourOf(row)),
    text(fitText(extra, leftMax, SMALL), 2, y0 + 41, SMALL, BLACK),
    text(row.temperature, width - 2, y0 + (big ? 30 : 26), right(temp), BLACK),
    text(row.humidity, width - 3, y0 + 42, right(SMALL), BLACK),
  ].join('');
}

/** Portrait, few rooms: name; big temperature and humidity; pressure and light; status. */
function bigNarrowRow(row: RoomRow, y: number, width: number, height: number): string {
  const y0 = y + Math.floor((height - 72) / 2);
  const humWidth = Math.ceil(textWidth(row.humidity, SMALL));
  const temp = temperatureStyle(row.temperature, width - humWidth - 10, [28, 24, 20]);
  return [
    text(fitText(row.name, width - 4, BIG_NAME), 2, y0 + 12, BIG_NAME, colourOf(row)),
    text(row.temperature, 2, y0 + 40, temp, BLACK),
    text(row.humidity, width - 3, y0 + 40, right(SMALL), BLACK),
    text(fitText(row.pressure, width / 2 + 8, SMALL), 2, y0 + 55, SMALL, BLACK),
    text(row.light, width - 3, y0 + 55, right(SMALL), BLACK),
    text(fitText(status(row), width - 4, SMALL), 2, y0 + 69, SMALL, colourOf(row)),
  ].join('');
}

/** Landscape, more rooms: name over status on the left, temperature and humidity on the right. */
function mediumWideRow(row: RoomRow, y: number, width: number): string {
  const temp: TextStyle = { size: 20, face: 'bold', anchor: 'end' };
  const tempRight = width - 36;
  const leftMax = tempRight - textWidth(row.temperature, temp) - 8;
  return [
    text(fitText(row.name, leftMax, NAME), 2, y + 12, NAME, colourOf(row)),
    text(fitText(status(row), leftMax, SMALL), 2, y + 25, SMALL, colourOf(row)),
    text(row.temperature, tempRight, y + 20, temp, BLACK),
    text(row.humidity, width - 3, y + 20, right(SMALL), BLACK),
  ].join('');
}

/** Portrait, more rooms: name and temperature, then status and humidity. */
function mediumNarrowRow(row: RoomRow, y: number, width: number): string {
  const tempWidth = textWidth(row.temperature, NAME);
  const humWidth = textWidth(row.humidity, SMALL);
  const short = row.alerts.length ? shortAlert(row, 'silent ') : row.heard;
  return [
    text(fitText(row.name, width - tempWidth - 10, NAME), 2, y + 12, NAME, colourOf(row)),
    text(row.temperature, width - 2, y + 12, right(NAME), BLACK),
    text(fitText(short, width - humWidth - 10, SMALL), 2, y + 25, SMALL, colourOf(row)),
    text(row.humidity, width - 3, y + 25, right(SMALL), BLACK),
  ].join('');
}

/** The first alert in a few words: `low batt` or the time it went silent. */
const shortAlert = (row: RoomRow, silent = ''): string => (row.alerts[0].startsWith('battery') ? 'low batt' : `${silent}${row.heard}`);

/** Many rooms: one line each; a red name needs a person, a red time means silent since then. */
function compactRow(row: RoomRow, y: number, width: number, height: number): string {
  const wide = isWide(width);
  const withHumidity = wide || width >= 115;
  const humRight = wide ? width - 60 : width - 3;
  const tempRight = withHumidity ? humRight - 32 : width - 2;
  const base = y + 10 + Math.floor((height - 14) / 2);
  const out = [
    text(fitText(row.name, tempRight - 40, SMALL), 2, base, SMALL, colourOf(row)),
    text(row.temperature, tempRight, base, right(SMALL), BLACK),
  ];
  if (withHumidity) out.push(text(row.humidity, humRight, base, right(SMALL), BLACK));
  if (wide) out.push(text(fitText(row.alerts.length ? shortAlert(row) : row.heard, 56, SMALL), width - 3, base, right(SMALL), colourOf(row)));
  return out.join('');
}
