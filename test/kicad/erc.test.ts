import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { electricalRuleViolations } from './erc.ts';
import { ROOT, netlistOf, schematicText } from './load-design.ts';
import { children, parseSexpr } from './sexpr.ts';

test('the schematic passes the electrical rules', (t) => {
  t.deepEqual(electricalRuleViolations(netlistOf()), []);
});

test('a removed no-connect flag is reported as an unconnected pin', (t) => {
  const text = schematicText().replace(/\(no_connect \(at [^)]*\) \(uuid [^)]*\)\)/, '');
  t.deepEqual(electricalRuleViolations(netlistOf(text)), ['U1 pin 2 (USB) is not connected']);
});

test('a ground without its PWR_FLAG is reported as undriven', (t) => {
  const text = schematicText().replace(/\(symbol \(lib_id "sensor_node:PWR_FLAG"\) \(at 104.14 160.02 0\)[\s\S]*?\(pin "1" \(uuid [^)]*\)\)\)/, '');
  t.true(electricalRuleViolations(netlistOf(text)).some((p) => p.startsWith('GND: power input')));
});

test('a bidirectional pin on a PWR_FLAG net is reported, as KiCad\'s ERC warns', (t) => {
  const text = schematicText().replace('(pin input line (at -10.16 -6.35 0) (length 2.54) (name "SDO"',
    '(pin bidirectional line (at -10.16 -6.35 0) (length 2.54) (name "SDO"');
  t.not(text, schematicText());
  t.deepEqual(electricalRuleViolations(netlistOf(text)), ['GND: U2.SDO (bidirectional) on power output #FLG01.pwr']);
});

test('every symbol comes from the project library and every footprint exists in it', (t) => {
  const lib = parseSexpr(readFileSync(`${ROOT}kicad/lib/sensor_node.kicad_sym`, 'utf8'));
  const names = new Set(children(lib, 'symbol').map((s) => `sensor_node:${String(s[1])}`));
  const tables = readFileSync(`${ROOT}kicad/sym-lib-table`, 'utf8') + readFileSync(`${ROOT}kicad/fp-lib-table`, 'utf8');
  t.regex(tables, /\$\{KIPRJMOD\}\/lib\/sensor_node\.kicad_sym/);
  t.regex(tables, /\$\{KIPRJMOD\}\/lib\/sensor_node\.pretty/);
  for (const sym of netlistOf().symbols.values()) {
    t.true(names.has(sym.libId), `${sym.ref}: ${sym.libId} missing from kicad/lib/sensor_node.kicad_sym`);
    const fp = sym.fields.Footprint;
    if (sym.power) continue;
    t.regex(fp, /^sensor_node:/, `${sym.ref}: footprint ${fp} is not in the project library`);
    t.true(existsSync(`${ROOT}kicad/lib/sensor_node.pretty/${fp.split(':')[1]}.kicad_mod`), `${sym.ref}: ${fp} missing`);
  }
});
