import type { SimulatedNodeSpec } from './simulated-node.ts';
import type { SimulatedStripSpec } from './simulated-power-strip.ts';

/**
 * The demo's house: five nodes named in config/demo.yaml and one that is not
 * (it shows the "unknown node" log with the line to add). Intervals are short
 * so the demo moves; the Garage node goes silent after a minute and the
 * Bathroom node's battery runs low.
 */
export const DEMO_NODES: readonly SimulatedNodeSpec[] = [
  { mac: 'a2b2c2d2e2f1', intervalS: 5, baseTempC: 21.5, swingC: 2.5, baseHumidity: 45, peakLux: 800, batteryV: 4.05, rssi: -58, lossRate: 0.03 },
  { mac: 'a2b2c2d2e2f2', intervalS: 5, baseTempC: 21.0, swingC: 2.0, baseHumidity: 42, peakLux: 1500, batteryV: 3.95, rssi: -64, duplicateRate: 0.05 },
  { mac: 'a2b2c2d2e2f3', intervalS: 6, baseTempC: 19.0, swingC: 1.5, baseHumidity: 50, peakLux: 300, batteryV: 3.90, rssi: -71 },
  { mac: 'a2b2c2d2e2f4', intervalS: 6, baseTempC: 22.5, swingC: 1.0, baseHumidity: 65, peakLux: 120, batteryV: 3.52, drainVPerReport: 0.01, rssi: -67 },
  { mac: 'a2b2c2d2e2f5', intervalS: 7, baseTempC: 12.0, swingC: 6.0, baseHumidity: 70, peakLux: 60, batteryV: 3.85, rssi: -82, silentAfterS: 60 },
  { mac: 'a2b2c2d2e2f6', intervalS: 8, baseTempC: 18.0, swingC: 3.0, baseHumidity: 55, peakLux: 400, batteryV: 4.1, rssi: -75 },
];

/**
 * The demo's power strip (a listening node, channels 1..8): a fridge, a desk
 * lamp, a laptop charger, a monitor, a kettle, a router, a printer and a fan
 * heater; the lamp, kettle and heater start switched off, so there is
 * something to switch on. Full reports every 10 s, changes at once.
 */
export const DEMO_STRIPS: readonly SimulatedStripSpec[] = [{
  mac: 'a2b2c2d2e2a1',
  intervalS: 10,
  rssi: -52,
  outlets: [
    { load: 'fridge', on: true, energyWh: 41_230 },
    { load: 'lamp', on: false, energyWh: 1_870 },
    { load: 'laptop', on: true, energyWh: 9_415 },
    { load: 'monitor', on: true, energyWh: 6_102 },
    { load: 'kettle', on: false, energyWh: 12_644 },
    { load: 'router', on: true, energyWh: 17_520 },
    { load: 'printer', on: true, energyWh: 3_388 },
    { load: 'heater', on: false, energyWh: 25_007 },
  ],
}];

/** A small deterministic PRNG (mulberry32), so demo runs and tests repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
