import type { Net, Netlist, PlacedSymbol } from './schematic-netlist.ts';

/** The config.py names the board must agree with. */
export const BOARD_KEYS = [
  'I2C_ENV_SCL', 'I2C_ENV_SDA', 'BME280_ADDR', 'I2C_LIGHT_SCL', 'I2C_LIGHT_SDA', 'BH1750_ADDR', 'BATTERY_ADC', 'BATTERY_DIVIDER',
] as const;

/** `NAME = value` lines of a MicroPython config module (ints in any base, floats); other lines are ignored. */
export function parsePythonConfig(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)\s*=\s*(?:const\()?\s*([-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?))\s*\)?\s*(?:#.*)?$/.exec(line.trim());
    if (m) out[m[1]] = /^[-+]?0[xXbB]/.test(m[2]) ? Number(m[2]) : Number.parseFloat(m[2]);
  }
  return out;
}

function only(netlist: Netlist, libName: string): PlacedSymbol {
  const found = [...netlist.symbols.values()].filter((s) => s.libId.endsWith(`:${libName}`));
  if (found.length !== 1) throw new Error(`schematic: expected one ${libName} symbol, found ${found.length}`);
  return found[0];
}

function netOfPin(netlist: Netlist, sym: PlacedSymbol, name: string): Net | undefined {
  const pin = sym.pins.find((p) => p.name === name);
  return pin && netlist.netOf.get(`${sym.ref}.${pin.number}`);
}

/** Ohms from a schematic value such as `220k`, `4k7`, `1M`. */
export function ohms(value: string): number {
  const m = /^(\d+)([RkKM]?)(\d*)/.exec(value.trim());
  if (!m) return Number.NaN;
  const scale = { '': 1, R: 1, k: 1e3, K: 1e3, M: 1e6 }[m[2]] ?? 1;
  return Number(`${m[1]}.${m[3] || '0'}`) * scale;
}

/**
 * Reads back from the schematic what config.py must say: which D32 GPIO
 * each sensor pin and the battery divider reach, the I2C address each
 * address strap selects, and the divider ratio from the resistor values.
 */
export function deriveBoardConfig(netlist: Netlist): Record<string, number | undefined> {
  const mcu = only(netlist, 'LOLIN_D32');
  const gpioOn = (net: Net | undefined) => {
    const gpios = (net?.pins ?? []).filter((p) => p.ref === mcu.ref && /^IO\d+$/.test(p.name)).map((p) => Number(p.name.slice(2)));
    return gpios.length === 1 ? gpios[0] : undefined;
  };
  const gnd = netOfPin(netlist, mcu, 'GND');
  const v3 = netOfPin(netlist, mcu, '3V3');
  const strap = (net: Net | undefined, low: number, high: number) => (net === gnd ? low : net === v3 ? high : undefined);
  const bme = only(netlist, 'GY-BME280');
  const light = only(netlist, 'GY-302');

  const sense = [...netlist.netOf.entries()].find(([k]) => {
    const pin = mcu.pins.find((p) => `${mcu.ref}.${p.number}` === k);
    return pin && /^IO\d+$/.test(pin.name) && netlist.netOf.get(k)?.pins.some((q) => q.ref.startsWith('R'));
  });
  let adc: number | undefined;
  let divider: number | undefined;
  if (sense) {
    const net = sense[1];
    adc = gpioOn(net);
    const battery = netOfPin(netlist, mcu, 'BAT');
    const other = (p: { ref: string; number: string }) => netlist.netOf.get(`${p.ref}.${p.number === '1' ? '2' : '1'}`);
    const resistors = net.pins.filter((p) => p.ref.startsWith('R'));
    const upper = resistors.find((p) => other(p) === battery);
    const lower = resistors.find((p) => other(p) === gnd);
    if (upper && lower) {
      const [ru, rl] = [ohms(netlist.symbols.get(upper.ref)!.value), ohms(netlist.symbols.get(lower.ref)!.value)];
      divider = (ru + rl) / rl;
    }
  }
  return {
    I2C_ENV_SCL: gpioOn(netOfPin(netlist, bme, 'SCL')),
    I2C_ENV_SDA: gpioOn(netOfPin(netlist, bme, 'SDA')),
    BME280_ADDR: strap(netOfPin(netlist, bme, 'SDO'), 0x76, 0x77),
    I2C_LIGHT_SCL: gpioOn(netOfPin(netlist, light, 'SCL')),
    I2C_LIGHT_SDA: gpioOn(netOfPin(netlist, light, 'SDA')),
    BH1750_ADDR: strap(netOfPin(netlist, light, 'ADDR'), 0x23, 0x5c),
    BATTERY_ADC: adc,
    BATTERY_DIVIDER: divider,
  };
}

/** Every disagreement between config.py and the board, one readable line each; empty when they match. */
export function compareWithConfig(board: Record<string, number | undefined>, config: Record<string, number>): string[] {
  const problems: string[] = [];
  for (const k of BOARD_KEYS) {
    const [want, got] = [config[k], board[k]];
    if (want === undefined) problems.push(`config.py: ${k} is missing`);
    else if (got === undefined || Math.abs(got - want) > 1e-6 * Math.max(1, Math.abs(want))) {
      problems.push(`${k}: config.py says ${want}, the schematic wires ${got ?? 'nothing'}`);
    }
  }
  return problems;
}
