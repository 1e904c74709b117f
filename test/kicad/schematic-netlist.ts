import { atom, child, children, type Sexpr } from './sexpr.ts';

/** One symbol pin as placed on the sheet. */
export interface PlacedPin {
  ref: string;
  number: string;
  name: string;
  /** KiCad electrical type: input, output, bidirectional, power_in, power_out, passive, ... */
  type: string;
  point: string;
}

/** A placed symbol: reference, library id, value, fields. */
export interface PlacedSymbol {
  ref: string;
  libId: string;
  value: string;
  fields: Record<string, string>;
  inBom: boolean;
  power: boolean;
  pins: PlacedPin[];
}

/** A connected set of pins and labels. `name` is the label on it (or `?` + its first pin). */
export interface Net {
  name: string;
  labels: string[];
  pins: PlacedPin[];
}

/** What the reader derives from one flat KiCad 6 schematic sheet. */
export interface Netlist {
  symbols: Map<string, PlacedSymbol>;
  nets: Net[];
  /** Net of each pin, keyed `REF.number`. */
  netOf: Map<string, Net>;
  noConnects: Set<string>;
  /** Wire ends and labels that touch nothing else. */
  dangling: string[];
}

const key = (x: string | number, y: string | number) => `${Number(x).toFixed(3)},${Number(y).toFixed(3)}`;
const xy = (node: Sexpr[], k: string): [number, number] => {
  const at = child(node, k);
  if (!at) throw new Error(`no (${k}) in ${JSON.stringify(node).slice(0, 80)}`);
  return [Number(at[1]), Number(at[2])];
};

class Union {
  private parent = new Map<string, string>();
  find(a: string): string {
    let p = this.parent.get(a) ?? a;
    if (p !== a) {
      p = this.find(p);
      this.parent.set(a, p);
    }
    return p;
  }
  join(a: string, b: string): void {
    this.parent.set(this.find(a), this.find(b));
  }
}

function libraryPins(root: Sexpr[]): Map<string, { power: boolean; pins: Array<Omit<PlacedPin, 'ref' | 'point'> & { x: number; y: number }> }> {
  const lib = new Map();
  for (const sym of children(child(root, 'lib_symbols') ?? [], 'symbol')) {
    const pins = children(sym, 'symbol').flatMap((unit) =>
      children(unit, 'pin').map((p) => ({
        type: String(p[1]),
        number: atom(p, 'number') ?? '',
        name: atom(p, 'name') ?? '',
        x: Number(child(p, 'at')?.[1]),
        y: Number(child(p, 'at')?.[2]),
      })),
    );
    lib.set(String(sym[1]), { power: child(sym, 'power') !== undefined, pins });
  }
  return lib;
}

/**
 * Derives the nets of a flat KiCad 6 schematic: wires join their ends, a pin,
 * label or wire end lying on a wire joins that wire, labels of one name join.
 * Symbols must be unrotated and unmirrored (the generator never rotates them).
 */
export function readNetlist(root: Sexpr[]): Netlist {
  const lib = libraryPins(root);
  const refs = new Map<string, string>();
  for (const path of children(child(root, 'symbol_instances') ?? [], 'path')) {
    refs.set(String(path[1]).replace(/^\//, ''), atom(path, 'reference') ?? '');
  }
  const union = new Union();
  const symbols = new Map<string, PlacedSymbol>();
  const pinsAt = new Map<string, PlacedPin[]>();
  for (const s of children(root, 'symbol')) {
    const libId = atom(s, 'lib_id') ?? '';
    const at = child(s, 'at') ?? [];
    if (Number(at[3] ?? 0) !== 0 || child(s, 'mirror')) throw new Error(`${libId}: rotated or mirrored symbols are not supported`);
    const fields: Record<string, string> = {};
    for (const p of children(s, 'property')) fields[String(p[1])] = String(p[2]);
    const ref = refs.get(atom(s, 'uuid') ?? '') ?? fields.Reference;
    const def = lib.get(libId);
    if (!def) throw new Error(`${ref}: symbol ${libId} is not in lib_symbols`);
    const [sx, sy] = [Number(at[1]), Number(at[2])];
    const pins = def.pins.map((p) => ({ ref, number: p.number, name: p.name, type: p.type, point: key(sx + p.x, sy - p.y) }));
    for (const pin of pins) pinsAt.set(pin.point, [...(pinsAt.get(pin.point) ?? []), pin]);
    symbols.set(ref, { ref, libId, value: fields.Value, fields, inBom: atom(s, 'in_bom') === 'yes', power: def.power, pins });
  }
  const wires = children(root, 'wire').map((w) => children(child(w, 'pts') ?? [], 'xy').map((p) => [Number(p[1]), Number(p[2])] as [number, number]));
  const labels = [...children(root, 'label'), ...children(root, 'global_label')].map((l) => ({ name: String(l[1]), point: key(...xy(l, 'at')) }));
  const noConnects = new Set(children(root, 'no_connect').map((nc) => key(...xy(nc, 'at'))));

  const touches = new Map<string, number>();
  const touch = (p: string) => touches.set(p, (touches.get(p) ?? 0) + 1);
  for (const [a, b] of wires) {
    union.join(key(...a), key(...b));
    touch(key(...a));
    touch(key(...b));
  }
  const points = [...pinsAt.keys(), ...labels.map((l) => l.point), ...wires.flat().map((p) => key(...p))];
  for (const p of points) {
    const [x, y] = p.split(',').map(Number);
    for (const [a, b] of wires) {
      const inside = (a[0] === b[0] && Math.abs(x - a[0]) < 1e-3 && y > Math.min(a[1], b[1]) && y < Math.max(a[1], b[1])) ||
        (a[1] === b[1] && Math.abs(y - a[1]) < 1e-3 && x > Math.min(a[0], b[0]) && x < Math.max(a[0], b[0]));
      if (inside) {
        union.join(p, key(...a));
        touch(p);
      }
    }
  }
  for (const p of pinsAt.keys()) touch(p);
  const byName = new Map<string, string>();
  for (const l of labels) {
    const first = byName.get(l.name);
    if (first) union.join(l.point, first);
    else byName.set(l.name, l.point);
  }
  const dangling = [
    ...labels.filter((l) => (touches.get(l.point) ?? 0) === 0).map((l) => `label ${l.name} at ${l.point}`),
    ...wires.flat().map((p) => key(...p)).filter((p) => touches.get(p) === 1 && !pinsAt.has(p) && !labels.some((l) => l.point === p))
      .map((p) => `wire end at ${p}`),
  ];

  const groups = new Map<string, Net>();
  const netOf = new Map<string, Net>();
  const group = (p: string) => {
    const root = union.find(p);
    let net = groups.get(root);
    if (!net) groups.set(root, (net = { name: '', labels: [], pins: [] }));
    return net;
  };
  for (const l of labels) {
    const net = group(l.point);
    if (!net.labels.includes(l.name)) net.labels.push(l.name);
  }
  for (const [p, pins] of pinsAt) {
    const net = group(p);
    for (const pin of pins) {
      net.pins.push(pin);
      netOf.set(`${pin.ref}.${pin.number}`, net);
    }
  }
  const nets = [...groups.values()];
  for (const net of nets) net.name = net.labels[0] ?? `?${net.pins[0] ? `${net.pins[0].ref}.${net.pins[0].number}` : ''}`;
  return { symbols, nets, netOf, noConnects, dangling };
}
