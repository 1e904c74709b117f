import type { Netlist } from './schematic-netlist.ts';

/**
 * Electrical rules KiCad 6's ERC would apply, checked on the derived
 * netlist (KiCad 6 cannot run ERC without its GUI): every pin connected to
 * something or flagged no-connect, no flagged pin wired, no dangling wire
 * or label, one name per net, at most one driver per net, every power input
 * driven by a power output or a PWR_FLAG, and no power output sharing a net
 * with a pin that can drive (KiCad's default pin-conflict matrix: warning for
 * bidirectional, error for output, tri-state and open collector/emitter).
 * Returns one line per violation.
 */
/** Pin types KiCad 6 flags when they meet a power output on one net. */
const CLASHES_WITH_POWER_OUT = new Set(['output', 'bidirectional', 'tri_state', 'open_collector', 'open_emitter']);

export function electricalRuleViolations(netlist: Netlist): string[] {
  const problems: string[] = [];
  for (const sym of netlist.symbols.values()) {
    for (const pin of sym.pins) {
      const net = netlist.netOf.get(`${pin.ref}.${pin.number}`);
      const wired = (net?.pins.length ?? 0) > 1 || (net?.labels.length ?? 0) > 0;
      const flagged = netlist.noConnects.has(pin.point);
      if (!wired && !flagged) problems.push(`${pin.ref} pin ${pin.number} (${pin.name}) is not connected`);
      if (wired && flagged) problems.push(`${pin.ref} pin ${pin.number} (${pin.name}) is flagged no-connect but wired`);
    }
  }
  for (const d of netlist.dangling) problems.push(`dangling ${d}`);
  for (const net of netlist.nets) {
    if (net.labels.length > 1) problems.push(`net has two names: ${net.labels.join(', ')}`);
    const drivers = net.pins.filter((p) => p.type === 'output' || p.type === 'power_out');
    if (drivers.length > 1) problems.push(`${net.name}: driven by ${drivers.map((p) => `${p.ref}.${p.name}`).join(' and ')}`);
    const power = net.pins.find((p) => p.type === 'power_out');
    const clashing = net.pins.filter((p) => CLASHES_WITH_POWER_OUT.has(p.type));
    if (power && clashing.length > 0) {
      problems.push(`${net.name}: ${clashing.map((p) => `${p.ref}.${p.name} (${p.type})`).join(', ')} on power output ${power.ref}.${power.name}`);
    }
    const powerIn = net.pins.filter((p) => p.type === 'power_in');
    if (powerIn.length > 0 && !net.pins.some((p) => p.type === 'power_out')) {
      problems.push(`${net.name}: power input ${powerIn[0].ref}.${powerIn[0].name} is not driven (no power output or PWR_FLAG)`);
    }
  }
  return problems;
}
