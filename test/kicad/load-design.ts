import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSexpr } from './sexpr.ts';
import { readNetlist, type Netlist } from './schematic-netlist.ts';

/** Repository root, from this file's place in test/kicad/. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCHEMATIC = `${ROOT}kicad/sensor-node.kicad_sch`;
export const BOARD = `${ROOT}kicad/sensor-node.kicad_pcb`;
export const FIRMWARE_CONFIG = `${ROOT}micropython/node/config.py`;

export const schematicText = (): string => readFileSync(SCHEMATIC, 'utf8');

/** Netlist of the committed schematic, or of `text` (a mutated copy). */
export function netlistOf(text = schematicText()): Netlist {
  return readNetlist(parseSexpr(text));
}
