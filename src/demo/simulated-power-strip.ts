import { CAPABILITY_BITS, decodeMessage, encodeMessage, KIND, record, STATUS_BITS, type RecordDraft } from '../protocol/index.ts';
import { POWER_ON } from '../protocol/records.ts';
import { MIN_INTERVAL_S, packRecords, splitCommands } from './command-records.ts';
import { OUTLET_LOADS, type LoadName } from './outlet-loads.ts';
import { runStripCommand, type StripCommandTarget } from './strip-commands.ts';
import { StripOutlet } from './strip-outlet.ts';

/** A power change above this share of the last reported power is reported at once (the firmware's REPORT_STEP). */
export const REPORT_STEP = 0.2;
/** W; smaller power changes never count as a step (the firmware's STEP_FLOOR_W). */
export const STEP_FLOOR_W = 5;
/** Command ids remembered, so a repeated COMMAND is answered again, not run twice. */
const RECENT_COMMANDS = 8;

/** One outlet of a {@link SimulatedStripSpec}. */
export interface SimulatedOutletSpec {
  /** What is plugged in. */
  load: LoadName;
  /** Relay state at start. */
  on: boolean;
  /** Energy counter at start, Wh (the node's counter since its first boot). Default 0. */
  energyWh?: number;
}

/** How the simulated power strip behaves. */
export interface SimulatedStripSpec {
  /** 12 lower-case hex digits. */
  mac: string;
  /** s between full reports (changes are reported at once). */
  intervalS: number;
  /** Mean RSSI, dBm. */
  rssi: number;
  /** Outlets, channels 1..n in order. */
  outlets: readonly SimulatedOutletSpec[];
  /** Mains voltage, V. Default 230. */
  mainsV?: number;
  /** Boot counter. Default 1. */
  boot?: number;
}

/**
 * A simulated power strip: a listening node (its radio always on) with a
 * relay and a meter per outlet, behaving like the socket firmware
 * (micropython/socket/): HELLO with its capabilities and per-outlet settings,
 * a meter reading every second (energy integrated, over-current rule,
 * auto-off), a full REPORT every interval and a REPORT of the outlets that
 * changed as soon as one does, and a RESULT for every command it receives.
 * Time is s of simulated time, given by the caller.
 */
export class SimulatedPowerStrip implements StripCommandTarget {
  readonly spec: SimulatedStripSpec;
  readonly outlets: StripOutlet[];
  readonly minIntervalS = MIN_INTERVAL_S;
  /** s between full reports, as set by the last set-interval. */
  intervalS: number;
  /** Now, s of simulated time: the last time handed to `advance` or `receive`. */
  nowS = 0;
  private readonly random: () => number;
  private readonly boot: number;
  private seq = 0;
  private started = false;
  private first = true;
  private mainsV: number;
  private nextMeasureS = 0;
  private dayFraction = 0;
  private nextReportS = 0;
  private recent: { id: number; result: RecordDraft[] }[] = [];

  constructor(spec: SimulatedStripSpec, random: () => number) {
    this.spec = spec;
    this.random = random;
    this.boot = spec.boot ?? 1;
    this.intervalS = spec.intervalS;
    this.mainsV = spec.mainsV ?? 230;
    this.outlets = spec.outlets.map((o, i) => {
      const outlet = new StripOutlet(i + 1, OUTLET_LOADS[o.load](), o.energyWh ?? 0);
      outlet.settings.powerOnState = POWER_ON.AS_IT_WAS;
      outlet.switch(o.on);
      return outlet;
    });
  }

  /** True once the HELLO (listening capability) went out: the broker then sends COMMANDs at once. */
  get listening(): boolean {
    return this.started;
  }

  /** RSSI for one reception, dBm. */
  rssi(): number {
    return Math.round(this.spec.rssi + (this.random() - 0.5) * 4);
  }

  /** StripCommandTarget: the outlet of channel 1..n. */
  outlet(channel: number): StripOutlet | undefined {
    return channel >= 1 ? this.outlets[channel - 1] : undefined;
  }

  /** StripCommandTarget: a new report interval; the next full report is one interval from now. */
  setIntervalS(seconds: number): void {
    this.intervalS = seconds;
    this.nextReportS = this.nowS + seconds;
  }

  /** The messages the strip sends up to `elapsedS`: HELLO and a REPORT at start, then reports as due. */
  advance(elapsedS: number, dayFraction: number): Buffer[] {
    const out: Buffer[] = [];
    this.dayFraction = dayFraction;
    if (!this.started) {
      this.started = true;
      this.nowS = elapsedS;
      this.measure(0, dayFraction);
      out.push(...this.hello(), ...this.report(this.outlets));
      this.nextMeasureS = elapsedS + 1;
      this.nextReportS = elapsedS + this.intervalS;
    }
    for (; this.nextMeasureS <= elapsedS; this.nextMeasureS += 1) {
      const t = (this.nowS = this.nextMeasureS);
      for (const o of this.outlets) if (o.offAtS !== undefined && o.offAtS <= t) o.switch(false);
      this.measure(1, dayFraction);
      if (t >= this.nextReportS) {
        this.nextReportS = t + this.intervalS;
        out.push(...this.report(this.outlets));
      } else {
        out.push(...this.reportChanges());
      }
    }
    this.nowS = Math.max(this.nowS, elapsedS);
    return out;
  }

  /**
   * A COMMAND sent to the strip, or a RECEIPT carrying commands: runs each
   * (a repeated id is answered again, not run twice) and returns the RESULTs,
   * then a REPORT of the outlets that changed. Anything else: nothing.
   */
  receive(payload: Buffer, elapsedS: number): Buffer[] {
    this.nowS = Math.max(this.nowS, elapsedS);
    let message;
    try {
      message = decodeMessage(payload);
    } catch {
      return [];
    }
    if (message.kind !== KIND.COMMAND && message.kind !== KIND.RECEIPT) return [];
    const out: Buffer[] = [];
    for (const command of splitCommands(message.records)) {
      let result = this.recent.find((r) => r.id === command.id)?.result;
      if (!result) {
        result = runStripCommand(this, command, message.unknownRecords);
        this.recent = [...this.recent.slice(1 - RECENT_COMMANDS), { id: command.id, result }];
      }
      out.push(this.next(KIND.RESULT, result));
    }
    // The demo reads a switched outlet's meter at once (the firmware within its next second), so the report shows the new load.
    for (const o of this.outlets) if (o.switched) o.measure(0, this.mainsV, this.dayFraction, this.random);
    return [...out, ...this.reportChanges()];
  }

  private measure(dtS: number, dayFraction: number): void {
    // The mains wanders slowly around its nominal value (+-3 V).
    const nominal = this.spec.mainsV ?? 230;
    this.mainsV = Math.min(nominal + 3, Math.max(nominal - 3, this.mainsV + (this.random() - 0.5) * 0.6));
    for (const o of this.outlets) o.measure(dtS, this.mainsV, dayFraction, this.random);
  }

  private reportChanges(): Buffer[] {
    const changed = this.outlets.filter((o) => o.switched || o.tripNews !== undefined || o.powerStep(REPORT_STEP, STEP_FLOOR_W));
    return changed.length > 0 ? this.report(changed) : [];
  }

  private status(): number {
    let bits = this.first ? STATUS_BITS.FIRST_AFTER_BOOT : 0;
    if (this.outlets.some((o) => o.trip !== 0)) bits |= STATUS_BITS.TRIP_ACTIVE;
    return bits;
  }

  private hello(): Buffer[] {
    const caps = CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING;
    const head = [record('firmware', 'demo-strip 1.0.0'), record('capabilities', caps), record('interval', this.intervalS), record('status', this.status())];
    return packRecords(head, this.outlets.map((o) => o.helloRecords())).map((records) => this.next(KIND.HELLO, records));
  }

  private report(outlets: readonly StripOutlet[]): Buffer[] {
    const head = [record('status', this.status()), record('interval', this.intervalS)];
    const messages = packRecords(head, outlets.map((o) => o.reportRecords())).map((records) => this.next(KIND.REPORT, records));
    this.first = false;
    for (const o of outlets) o.reported();
    return messages;
  }

  private next(kind: number, records: readonly RecordDraft[]): Buffer {
    const message = encodeMessage({ kind, boot: this.boot, seq: this.seq, records });
    this.seq = (this.seq + 1) & 0xffff;
    return message;
  }
}
