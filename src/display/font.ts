import { readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import { packagePath } from '../package-root.ts';

/** The two faces the screen uses, bundled in assets/fonts (DejaVu Sans 2.37). */
export type FontFace = 'regular' | 'bold';

const FILES: Record<FontFace, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' };
const cache = new Map<FontFace, opentype.Font>();
/** DejaVu's TrueType hints keep small text legible in one bit per pixel. */
const HINTED = { hinting: true } as opentype.RenderOptions;

function font(face: FontFace): opentype.Font {
  let loaded = cache.get(face);
  if (!loaded) {
    const bytes = readFileSync(packagePath('assets', 'fonts', FILES[face]));
    loaded = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
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
}

/**
 * Glyphs of `text` with their pen positions in font units. Laid out here, glyph
 * by glyph with pair kerning, because opentype.js's shaper stops on some of
 * DejaVu's contextual substitutions; the screen's Latin text needs none.
 */
function layout(text: string, f: opentype.Font): { glyph: opentype.Glyph; x: number }[] {
  const out: { glyph: opentype.Glyph; x: number }[] = [];
  let x = 0;
  let previous: opentype.Glyph | undefined;
  for (const char of text) {
    const glyph = f.charToGlyph(char);
    if (previous) x += f.getKerningValue(previous, glyph);
    out.push({ glyph, x });
    x += glyph.advanceWidth ?? 0;
    previous = glyph;
  }
  out.push({ glyph: f.charToGlyph(' '), x }); // end position
  return out;
}

/** Advance width of `text` in px. */
export function textWidth(text: string, style: TextStyle): number {
  const f = font(style.face ?? 'regular');
  return (layout(text, f).at(-1)!.x * style.size) / f.unitsPerEm;
}

/**
 * `text` as SVG path data with its baseline at `y`: hinted glyph outlines from
 * the bundled font, each glyph on a whole pixel, so no system font or text
 * engine is involved.
 */
export function textPath(text: string, x: number, y: number, style: TextStyle): string {
  const anchor = style.anchor ?? 'start';
  const width = anchor === 'start' ? 0 : textWidth(text, style);
  const left = Math.round(anchor === 'end' ? x - width : anchor === 'middle' ? x - width / 2 : x);
  const face = style.face ?? 'regular';
  const f = font(face);
  const scale = style.size / f.unitsPerEm;
  const top = Math.round(y);
  return layout(text, f)
    .slice(0, -1)
    .map(({ glyph, x: pen }) => glyphPath(glyph, f, face, style.size, left + Math.round(pen * scale), top))
    .join('');
}

const glyphCache = new Map<string, opentype.PathCommand[]>();
const num = (v: number): string => String(Math.round(v * 100) / 100);

/**
 * One hinted glyph placed at whole pixel (dx, dy). Hinting snaps to the pixel
 * grid, so the outline at the origin, moved, is the outline drawn there; it is
 * computed once per glyph and size (the TrueType interpreter is the slow part).
 */
function glyphPath(glyph: opentype.Glyph, f: opentype.Font, face: FontFace, size: number, dx: number, dy: number): string {
  const key = `${face}|${size}|${glyph.index}`;
  let commands = glyphCache.get(key);
  if (!commands) {
    commands = glyph.getPath(0, 0, size, HINTED, f).commands;
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
