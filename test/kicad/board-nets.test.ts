import { readFileSync } from 'node:fs';
import test from 'ava';
import { BOARD, netlistOf } from './load-design.ts';
import { atom, child, children, parseSexpr, type Sexpr } from './sexpr.ts';

/** Pad nets of the board, keyed `REF.pad`; pads without a net map to ''. */
function boardPadNets(root: Sexpr[]): Map<string, string> {
  const nets = new Map<string, string>();
  for (const fp of children(root, 'footprint')) {
    const ref = children(fp, 'fp_text').find((t) => t[1] === 'reference')?.[2];
    for (const pad of children(fp, 'pad')) {
      if (pad[1] === '') continue;
      nets.set(`${String(ref)}.${String(pad[1])}`, atom(pad, 'net', 2) ?? '');
    }
  }
  return nets;
}

test('every board pad carries the net of its schematic pin', (t) => {
  const netlist = netlistOf();
  const pads = boardPadNets(parseSexpr(readFileSync(BOARD, 'utf8')));
  const expected = new Map<string, string>();
  for (const sym of netlist.symbols.values()) {
    if (sym.power) continue;
    for (const pin of sym.pins) {
      const net = netlist.netOf.get(`${pin.ref}.${pin.number}`);
      expected.set(`${pin.ref}.${pin.number}`, netlist.noConnects.has(pin.point) ? '' : (net?.name ?? ''));
    }
  }
  t.deepEqual(Object.fromEntries([...pads].sort()), Object.fromEntries([...expected].sort()));
});

test('every board footprint is the one its schematic symbol names', (t) => {
  const root = parseSexpr(readFileSync(BOARD, 'utf8'));
  const onBoard = Object.fromEntries(children(root, 'footprint').map((fp) => [
    String(children(fp, 'fp_text').find((x) => x[1] === 'reference')?.[2]), String(fp[1])]));
  const inSchematic = Object.fromEntries([...netlistOf().symbols.values()].filter((s) => !s.power).map((s) => [s.ref, s.fields.Footprint]));
  t.deepEqual(onBoard, inSchematic);
});

test('the board has an outline, four mounting holes and a ground pour on both layers', (t) => {
  const root = parseSexpr(readFileSync(BOARD, 'utf8'));
  t.true(children(root, 'gr_line').filter((l) => atom(l, 'layer') === 'Edge.Cuts').length >= 4);
  t.is(children(root, 'footprint').filter((f) => String(f[1]).endsWith(':MountingHole_M3')).length, 4);
  const pours = children(root, 'zone').filter((z) => atom(z, 'net_name') === 'GND' && child(z, 'filled_polygon'));
  t.deepEqual(pours.map((z) => atom(z, 'layer')).sort(), ['B.Cu', 'F.Cu']);
});
