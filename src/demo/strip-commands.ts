import { OUTCOME, record, type RecordDraft } from '../protocol/index.ts';
import { POWER_ON } from '../protocol/records.ts';
import type { SplitCommand } from './command-records.ts';
import type { OutletSettings, StripOutlet } from './strip-outlet.ts';

/** Highest humidity limit a COMMAND may set, 0.01 %RH (100 %RH). */
export const MAX_HUMIDITY_LIMIT = 10_000;

/** What a command needs of the strip it runs on. */
export interface StripCommandTarget {
  /** The outlet with this channel number (1..n), or undefined. */
  outlet(channel: number): StripOutlet | undefined;
  /** Smallest report interval a set-interval may set, s. */
  readonly minIntervalS: number;
  /** Applies a new report interval, s. */
  setIntervalS(seconds: number): void;
  /** Now, s of simulated time (for auto-off). */
  readonly nowS: number;
}

const SETTING_KEYS: Readonly<Record<number, keyof OutletSettings>> = { 0x54: 'powerOnState', 0x55: 'currentLimit', 0x56: 'humidityLimit' };

interface Parsed {
  channel: number;
  relay?: number;
  autoOffS?: number;
  intervalS?: number;
  sets: Partial<OutletSettings>;
  other: boolean;
}

function parse(command: SplitCommand, unknownRecords: number): Parsed {
  const out: Parsed = { channel: 0, sets: {}, other: unknownRecords > 0 };
  for (const { type, raw } of command.records) {
    const value = raw as number;
    if (type === 0x0f) out.channel = value;
    else if (type === 0x14) out.relay = value;
    else if (type === 0x57) out.autoOffS = value;
    else if (type === 0x53) out.intervalS = value;
    else if (SETTING_KEYS[type]) out.sets[SETTING_KEYS[type]] = value;
    else out.other = true;
  }
  return out;
}

function valid(p: Parsed, minIntervalS: number): boolean {
  if (p.relay !== undefined && p.relay !== 0 && p.relay !== 1) return false;
  if (p.autoOffS !== undefined && p.relay === undefined) return false;
  const powerOn = p.sets.powerOnState ?? POWER_ON.OFF;
  if (powerOn !== POWER_ON.OFF && powerOn !== POWER_ON.ON && powerOn !== POWER_ON.AS_IT_WAS) return false;
  if ((p.sets.humidityLimit ?? 0) > MAX_HUMIDITY_LIMIT) return false;
  return p.intervalS === undefined || p.intervalS >= minIntervalS;
}

/**
 * Runs one command on the strip and returns its RESULT records: id, outcome,
 * then (for a command on an outlet) the outlet's state afterwards, with its
 * settings when the command set any. A record the strip does not handle (or
 * an unknown record in the message) makes it unsupported (1); a value out of
 * range, a channel the strip lacks or a command with no action makes it
 * invalid (2), and nothing changes. The socket firmware's `run_command`.
 */
export function runStripCommand(strip: StripCommandTarget, command: SplitCommand, unknownRecords = 0): RecordDraft[] {
  const p = parse(command, unknownRecords);
  const onOutlet = p.relay !== undefined || p.autoOffS !== undefined || Object.keys(p.sets).length > 0;
  const outlet = onOutlet ? strip.outlet(p.channel) : undefined;
  let outcome: number;
  if (p.other) outcome = OUTCOME.UNSUPPORTED;
  else if ((onOutlet && !outlet) || !(onOutlet || p.intervalS !== undefined) || !valid(p, strip.minIntervalS)) outcome = OUTCOME.INVALID;
  else outcome = apply(strip, outlet, p);
  const head = [record('commandId', command.id), record('outcome', outcome)];
  return outlet ? [...head, ...outlet.stateRecords(Object.keys(p.sets).length > 0)] : head;
}

function apply(strip: StripCommandTarget, outlet: StripOutlet | undefined, p: Parsed): number {
  if (p.intervalS !== undefined) strip.setIntervalS(p.intervalS);
  if (outlet) Object.assign(outlet.settings, p.sets);
  if (outlet && p.relay !== undefined) {
    outlet.switch(p.relay === 1);
    // A new relay-on replaces an earlier auto-off: 0 or none means it stays on (section 4, record 0x57).
    if (p.relay === 1) outlet.offAtS = p.autoOffS ? strip.nowS + p.autoOffS : undefined;
  }
  return OUTCOME.OK;
}
