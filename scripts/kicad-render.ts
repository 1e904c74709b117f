/**
 * Composes the board layer SVGs that scripts/kicad-outputs.py plots
 * (kicad/out/render/) into one picture for the README: docs/img/kicad-board.png.
 * Usage: node --import tsx scripts/kicad-render.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Board outline in KiCad page millimetres, plus a 1 mm margin (see scripts/kicad-gen/board.py). */
const VIEW = { x: 99, y: 97, w: 49, h: 69 };
const PX_PER_MM = 20;
const LAYERS: Array<[string, string, number]> = [
  ['B_Cu', '#2f6b34', 1],
  ['F_Cu', '#4f9a4a', 1],
  ['F_Mask', '#d6b04a', 1], // mask openings: bare, tinned pads
  ['F_SilkS', '#f4f4f4', 1],
  ['Edge_Cuts', '#e8d84a', 1],
];

function layer(name: string, color: string, opacity: number): string {
  const svg = readFileSync(`${root}kicad/out/render/sensor-node-${name}.svg`, 'utf8');
  const inner = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>')).replace(/<title>.*?<\/title>|<desc>.*?<\/desc>|<text[\s\S]*?<\/text>/g, '');
  return `<g opacity="${opacity}">${inner.replaceAll('#000000', color).replaceAll('#FFFFFF', '#101810')}</g>`;
}

const nm = (mm: number) => Math.round(mm * 1e6);
const body = LAYERS.map(([name, color, opacity]) => layer(name, color, opacity)).join('\n');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${VIEW.w * PX_PER_MM}" height="${VIEW.h * PX_PER_MM}" ` +
  `viewBox="${nm(VIEW.x)} ${nm(VIEW.y)} ${nm(VIEW.w)} ${nm(VIEW.h)}">` +
  `<rect x="${nm(VIEW.x)}" y="${nm(VIEW.y)}" width="${nm(VIEW.w)}" height="${nm(VIEW.h)}" fill="#ffffff"/>` +
  `<rect x="${nm(100)}" y="${nm(98)}" width="${nm(47)}" height="${nm(67)}" fill="#1f4a22"/>${body}</svg>`;
const out = `${root}docs/img/kicad-board.png`;
await sharp(Buffer.from(svg)).png().toFile(out);
console.log(`kicad-render: wrote ${out}`);
