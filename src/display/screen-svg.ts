import { fitText, textPath, textWidth, type TextStyle } from './font.ts';
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
const HEADER = 14;
const BANNER = 13;
/** Large rows are used while each room gets at least this many px. */
const LARGE_ROW = 25;
const COMPACT_ROW = 12;

const path = (d: string, fill: string): string => (d ? `<path fill="${fill}" d="${d}"/>` : '');
const rect = (x: number, y: number, w: number, h: number, fill: string): string =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/>`;

/**
 * Lays the screen out for `width` × `height` px (either orientation): a black
 * title bar with the clock, a red banner when InfluxDB is unreachable, then one
 * row per room: large rows while they fit, compact rows after that, and pages
 * when even those do not fit. Anything needing a person is red. Edges are
 * crisp (no antialiasing), so the picture is exactly one-bit per colour.
 */
export function buildScreenSvg(model: ScreenModel, width: number, height: number, page = 0): ScreenSvg {
  const parts: string[] = [rect(0, 0, width, height, WHITE), rect(0, 0, width, HEADER, BLACK)];
  let top = HEADER + 1;
  if (model.banner) {
    parts.push(rect(0, top, width, BANNER, RED));
    parts.push(path(textPath(fitText(model.banner, width - 4, { size: 9, face: 'bold' }), 2, top + 10, { size: 9, face: 'bold' }), WHITE));
    top += BANNER + 1;
  }
  const area = height - top;
  const large = model.rows.length * LARGE_ROW <= area;
  const rowHeight = large ? Math.min(32, Math.floor(area / Math.max(1, model.rows.length))) : COMPACT_ROW;
  const perPage = Math.max(1, Math.floor(area / rowHeight));
  const pages = Math.max(1, Math.ceil(model.rows.length / perPage));
  const shown = model.rows.slice((page % pages) * perPage, (page % pages + 1) * perPage);
  shown.forEach((row, i) => {
    const y = top + i * rowHeight;
    parts.push(large ? largeRow(row, y, width) : compactRow(row, y, width));
    if (i < shown.length - 1) parts.push(rect(0, y + rowHeight - 1, width, 1, BLACK));
  });
  if (model.rows.length === 0) parts.push(path(textPath('No sensor heard yet', 2, top + 14, { size: 10 }), BLACK));

  const clockStyle: TextStyle = { size: 10, face: 'bold', anchor: 'end' };
  const clockWidth = Math.ceil(textWidth(model.clock, clockStyle));
  const pageLabel = pages > 1 ? ` ${(page % pages) + 1}/${pages}` : '';
  const titleStyle: TextStyle = { size: 10, face: 'bold' };
  parts.splice(2, 0, path(textPath(fitText(model.title + pageLabel, width - clockWidth - 8, titleStyle), 2, 11, titleStyle), WHITE));
  const body = parts.join('');
  const clock = path(textPath(model.clock, width - 2, 11, clockStyle), WHITE);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" shape-rendering="crispEdges">`;
  return { svg: `${open}${body}${clock}</svg>`, body, pages };
}

function largeRow(row: RoomRow, y: number, width: number): string {
  const wide = width >= 200;
  const colour = row.alerts.length ? RED : BLACK;
  const temp: TextStyle = { size: 18, face: 'bold', anchor: 'end' };
  const tempRight = wide ? width - 53 : width - 2;
  const nameMax = tempRight - textWidth(row.temperature, temp) - 6;
  const status = row.alerts.length ? row.alerts.join(', ') : wide ? row.heard : [row.humidity, row.heard].filter(Boolean).join(' · ');
  const small: TextStyle = { size: 9 };
  const out = [
    path(textPath(fitText(row.name, nameMax, { size: 11, face: 'bold' }), 2, y + 11, { size: 11, face: 'bold' }), colour),
    path(textPath(fitText(status, wide ? width - 55 : nameMax, small), 2, y + 22, small), colour),
    path(textPath(row.temperature, tempRight, y + 19, temp), BLACK),
  ];
  if (wide) {
    const extra = [row.pressure, row.light].filter(Boolean);
    out.push(path(textPath(row.humidity, width - 2, y + 11, { size: 10, anchor: 'end' }), BLACK));
    if (extra.length) out.push(path(textPath(fitText(extra.join(' '), 50, small), width - 2, y + 22, { ...small, anchor: 'end' }), BLACK));
  }
  return out.join('');
}

function compactRow(row: RoomRow, y: number, width: number): string {
  const wide = width >= 200;
  const colour = row.alerts.length ? RED : BLACK;
  const style: TextStyle = { size: 9 };
  const bold: TextStyle = { size: 9 };
  const tempRight = wide ? width - 72 : width - 28;
  const out = [
    path(textPath(fitText(row.name, tempRight - 36, bold), 2, y + 9, bold), colour),
    path(textPath(row.temperature, tempRight, y + 9, { ...bold, anchor: 'end' }), BLACK),
    path(textPath(row.humidity, tempRight + 24, y + 9, { ...style, anchor: 'end' }), BLACK),
  ];
  if (wide) {
    // Red time = silent since then; the large rows spell it out.
    const last = row.alerts.length && row.alerts[0].startsWith('battery') ? 'low batt' : row.heard;
    out.push(path(textPath(fitText(last, 44, style), width - 2, y + 9, { ...style, anchor: 'end' }), colour));
  }
  return out.join('');
}
