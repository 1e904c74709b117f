/**
 * What is plugged into the simulated power strip's outlets: small models of
 * real appliances, stepped once per meter reading (1 s). Times are compressed
 * so that something changes within a minute of watching the demo (a fridge
 * compressor runs for 40 s, not 15 min). Pure apart from the injected random.
 */

/** One step of a load: the relay has been closed for `onS` s (0 at the step it closed). */
export interface LoadStep {
  /** s since the previous step (1 at the strip's meter rate). */
  readonly dtS: number;
  /** s the relay has been on, counted from the step it closed (0 then). */
  readonly onS: number;
  /** 0..1 from midnight of the demo's compressed day. */
  readonly dayFraction: number;
  /** Random source in [0, 1). */
  readonly random: () => number;
}

/** An appliance on an outlet. */
export interface OutletLoad {
  /** What it is, for the demo's docs and summary (`fridge`). */
  readonly name: string;
  /** Power factor, 0..1: the meter's current is P / (V * pf). */
  readonly powerFactor: number;
  /** Real power in W drawn during this step while the relay is on. */
  step(input: LoadStep): number;
}

/** The appliances the demo knows, by name. */
export type LoadName = 'fridge' | 'lamp' | 'laptop' | 'monitor' | 'kettle' | 'router' | 'printer' | 'heater';

const jitter = (random: () => number, scale: number): number => (random() - 0.5) * scale;

/** A fridge: the compressor runs 40 s (a 300 W start for 1 s, then about 90 W) and rests 60 s; it starts at once after power returns. */
function fridge(): OutletLoad {
  let phaseS = 0;
  return {
    name: 'fridge', powerFactor: 0.8,
    step({ dtS, onS, random }) {
      phaseS = onS === 0 ? 0 : (phaseS + dtS) % 100;
      if (phaseS >= 40) return 0.8 + jitter(random, 0.2); // the thermostat's electronics
      return phaseS < 1 ? 300 : 90 + jitter(random, 4);
    },
  };
}

/** An LED desk lamp, 9 W. */
const lamp = (): OutletLoad => ({ name: 'desk lamp', powerFactor: 0.9, step: ({ random }) => 9 + jitter(random, 0.2) });

/** A laptop charger: 65 W right after it is plugged in, tapering to 20 W as the battery fills (about 3 min). */
const laptop = (): OutletLoad => ({
  name: 'laptop charger', powerFactor: 0.6,
  step: ({ onS, random }) => 20 + 45 * Math.exp(-onS / 60) + jitter(random, 1.5),
});

/** A monitor: 25 W in working hours of the demo's day (08:30-18:00), 0.5 W in standby. */
const monitor = (): OutletLoad => ({
  name: 'monitor', powerFactor: 0.9,
  step: ({ dayFraction, random }) => (dayFraction > 0.35 && dayFraction < 0.75 ? 25 + jitter(random, 1) : 0.5),
});

/** A kettle: boils at 2000 W for 25 s when switched on, and again now and then (about every 4 min) while on. */
function kettle(): OutletLoad {
  let boilS = 0;
  return {
    name: 'kettle', powerFactor: 1,
    step({ dtS, onS, random }) {
      if (onS === 0) boilS = 25;
      else if (boilS <= 0 && random() < dtS / 240) boilS = 25;
      if (boilS <= 0) return 0;
      boilS -= dtS;
      return 2000 + jitter(random, 20);
    },
  };
}

/** A Wi-Fi router, 8 W steady. */
const router = (): OutletLoad => ({ name: 'router', powerFactor: 0.6, step: ({ random }) => 8 + jitter(random, 0.4) });

/** A laser printer: 3 W idle, 400 W while it warms up after power-on (8 s) and while it prints a job (12 s, about every 90 s). */
function printer(): OutletLoad {
  let busyS = 0;
  return {
    name: 'printer', powerFactor: 0.95,
    step({ dtS, onS, random }) {
      if (onS === 0) busyS = 8;
      else if (busyS <= 0 && random() < dtS / 90) busyS = 12;
      if (busyS <= 0) return 3 + jitter(random, 0.2);
      busyS -= dtS;
      return 400 + jitter(random, 10);
    },
  };
}

/** A fan heater with a thermostat: 1500 W for 60 s, off for 40 s; heats at once when switched on. */
function heater(): OutletLoad {
  let phaseS = 0;
  return {
    name: 'heater', powerFactor: 1,
    step({ dtS, onS, random }) {
      phaseS = onS === 0 ? 0 : (phaseS + dtS) % 100;
      return phaseS < 60 ? 1500 + jitter(random, 15) : 0;
    },
  };
}

/** Makes a fresh load of each kind (loads keep their own cycle state). */
export const OUTLET_LOADS: Readonly<Record<LoadName, () => OutletLoad>> = {
  fridge, lamp, laptop, monitor, kettle, router, printer, heater,
};
