import { readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import { packagePath } from '../package-root.ts';

/** The two faces the screen uses, bundled in assets/fonts (DejaVu Sans 2.37). */
export type FontFace = 'regular' | 'bold';

const FILES: Record<FontFace, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' };
const cache = new Map<FontFace, opentype.Font>();

function font(face: FontFace): opentype.Font {
  let loaded = cache.get(face);
  if (!loaded) {
    const bytes = readFileSync(packagePath('assets', 'fonts', FILES[face]));
    loaded = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { lowMemory: true });
    cache.set(face, loaded);
  }
  return loaded;
}

/** How to set a line of text. */
export interface TextStyle {
  /** Em size in px. */
  size: number;
  /** Default `regular`. */
  face?: FontFace;
  /** Which end of the text `x` is: default `start`. */
  anchor?: 'start' | 'end' | 'middle';
  /** Extra px between glyphs: default 1 for regular text under 14 px, else 0. */
  tracking?: number;
}

/**
 * Regular text is hinted and drawn with crisp edges: DejaVu's hints put every
 * stem on exactly one pixel column, which keeps 11-13 px text sharp in one bit
 * per pixel. Bold text is not: its hints make 2 px stems that fill the counters
 * at these sizes ("queued" turns into a blot), so bold is drawn from the plain
 * outlines, antialiased, and cut at 50 % by the renderer's threshold.
 */
const hinted = (style: TextStyle): boolean => (style.face ?? 'regular') === 'regular';

/**
 * Hinted glyphs sit on whole pixels with advances rounded glyph by glyph (as
 * the hinter rounds them), plus `tracking`: rounding pen positions of the
 * unrounded string instead gave 0 or 1 px between letters at random, and
 * DejaVu's hinted small glyphs fill their advance, so neighbours touched.
 */
const trackingOf = (style: TextStyle): number => style.tracking ?? (hinted(style) && style.size < 14 ? 1 : 0);

/**
 * Glyphs of `text` with their pen positions in px. Laid out here, glyph by
 * glyph with pair kerning, because opentype.js's shaper stops on some of
 * DejaVu's contextual substitutions; the screen's Latin text needs none.
 */
function layout(text: string, style: TextStyle): { glyph: opentype.Glyph; x: number }[] {
  const f = font(style.face ?? 'regular');
  const scale = style.size / f.unitsPerEm;
  const snap = hinted(style) ? Math.round : (v: number): number => v;
  const tracking = trackingOf(style);
  const out: { glyph: opentype.Glyph; x: number }[] = [];
  let x = 0;
  let previous: opentype.Glyph | undefined;
  for (const char of text) {
    const glyph = f.charToGlyph(char);
    if (previous) x += snap(f.getKerningValue(previous, glyph) * scale) + tracking;
    out.push({ glyph, x });
    x += snap((glyph.advanceWidth ?? 0) * scale);
    previous = glyph;
  }
  out.push({ glyph: f.charToGlyph(' '), x }); // end position
  return out;
}

/** Advance width of `text` in px. */
export function textWidth(text: string, style: TextStyle): number {
  return layout(text, style).at(-1)!.x;
}

/**
 * `text` as SVG path data with its baseline at `y`: glyph outlines from the
 * bundled font, the string starting on a whole pixel, so no system font or
 * text engine is involved.
 */
export function textPath(text: string, x: number, y: number, style: TextStyle): string {
  const anchor = style.anchor ?? 'start';
  const width = anchor === 'start' ? 0 : textWidth(text, style);
  const left = Math.round(anchor === 'end' ? x - width : anchor === 'middle' ? x - width / 2 : x);
  const face = style.face ?? 'regular';
  const f = font(face);
  const top = Math.round(y);
  const hint = hinted(style);
  return layout(text, style)
    .slice(0, -1)
    .map(({ glyph, x: pen }) => glyphPath(glyph, f, face, style.size, hint, left + pen, top))
    .join('');
}

/** `text` as one SVG `<path>` element in `fill`, with the edge rendering its face needs. */
export function textElement(text: string, x: number, y: number, style: TextStyle, fill: string): string {
  const d = textPath(text, x, y, style);
  if (!d) return '';
  return `<path fill="${fill}" shape-rendering="${hinted(style) ? 'crispEdges' : 'geometricPrecision'}" d="${d}"/>`;
}

const glyphCache = new Map<string, opentype.PathCommand[]>();
const num = (v: number): string => String(Math.round(v * 100) / 100);

/**
 * One glyph placed at (dx, dy). Hinting snaps to the pixel grid, so the hinted
 * outline at the origin, moved by whole pixels, is the outline drawn there; it
 * is computed once per glyph and size (the TrueType interpreter is the slow part).
 */
function glyphPath(glyph: opentype.Glyph, f: opentype.Font, face: FontFace, size: number, hint: boolean, dx: number, dy: number): string {
  const key = `${face}|${size}|${hint}|${glyph.index}`;
  let commands = glyphCache.get(key);
  if (!commands) {
    commands = glyph.getPath(0, 0, size, { hinting: hint } as opentype.RenderOptions, f).commands;
    glyphCache.set(key, commands);
  }
  let d = '';
  for (const c of commands) {
    if (c.type === 'M' || c.type === 'L') d += `${c.type}${num(c.x + dx)} ${num(c.y + dy)}`;
    else if (c.type === 'Q') d += `Q${num(c.x1 + dx)} ${num(c.y1 + dy)} ${num(c.x + dx)} ${num(c.y + dy)}`;
    else if (c.type === 'C') d += `C${num(c.x1 + dx)} ${num(c.y1 + dy)} ${num(c.x2 + dx)} ${num(c.y2 + dy)} ${num(c.x + dx)} ${num(c.y + dy)}`;
    else d += 'Z';
  }
  return d;
}

/** Shortens `text` with `…` until it fits in `maxWidth` px. */
export function fitText(text: string, maxWidth: number, style: TextStyle): string {
  if (textWidth(text, style) <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, style) > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}
