import { decodeMessage, encodeMessage, KIND, OUTCOME, record, STATUS_BITS, type RecordDraft } from '../protocol/index.ts';
import { MIN_INTERVAL_S, splitCommands, type SplitCommand } from './command-records.ts';

/** How a simulated node behaves in the demo. */
export interface SimulatedNodeSpec {
  /** 12 lower-case hex digits. */
  mac: string;
  /** Report interval in s of real time. */
  intervalS: number;
  /** Mean indoor temperature in degC and its day/night swing (peak to peak). */
  baseTempC: number;
  swingC: number;
  /** Mean relative humidity, %RH. */
  baseHumidity: number;
  /** Daylight peak in lx (a windowless room is near 0). */
  peakLux: number;
  /** Battery voltage at start, V, and its fall per report, V. */
  batteryV: number;
  drainVPerReport?: number;
  /** Stops sending after this many s of real time (a node that went silent). */
  silentAfterS?: number;
  /** Fraction of messages lost on the air (seq gaps), 0..1. */
  lossRate?: number;
  /** Fraction of messages heard twice (a retransmission whose RECEIPT got lost), 0..1. */
  duplicateRate?: number;
  /** Mean RSSI in dBm. */
  rssi: number;
}

/** Below this battery voltage, V, a node flags itself low (as the firmware does). */
export const LOW_BATTERY_V = 3.45;

/**
 * One simulated sensor node: produces the radio messages a real node would
 * send, with readings that follow a (compressed) day: warmer and brighter at
 * noon, cooler and dark at night. `dayFraction` is 0..1 from midnight.
 */
export class SimulatedNode {
  readonly spec: SimulatedNodeSpec;
  /** s between reports: the spec's, until a set-interval command changes it. */
  intervalS: number;
  /** A sensor node sleeps between reports: the broker holds its commands for the next RECEIPT. */
  readonly listening = false;
  private readonly random: () => number;
  private readonly boot: number;
  private seq = 0;
  private batteryV: number;
  private sentHello = false;

  constructor(spec: SimulatedNodeSpec, random: () => number, boot = 1) {
    this.spec = spec;
    this.random = random;
    this.boot = boot;
    this.batteryV = spec.batteryV;
    this.intervalS = spec.intervalS;
  }

  /** True once the node has gone silent at `elapsedS` s after the demo started. */
  isSilent(elapsedS: number): boolean {
    return this.spec.silentAfterS !== undefined && elapsedS >= this.spec.silentAfterS;
  }

  /**
   * The payloads one wake sends, as heard by the broker: usually one, none when
   * the air lost it (the seq still advances), two when it was heard twice.
   */
  wake(dayFraction: number): Buffer[] {
    const payloads: Buffer[] = [];
    if (!this.sentHello) {
      this.sentHello = true;
      payloads.push(this.hello());
    }
    const report = this.report(dayFraction);
    const roll = this.random();
    if (roll < (this.spec.lossRate ?? 0)) return payloads;
    payloads.push(report);
    if (this.random() < (this.spec.duplicateRate ?? 0)) payloads.push(report);
    return payloads;
  }

  /**
   * A RECEIPT (or COMMAND) heard right after sending: runs each command it
   * carries and returns one RESULT per command (id and outcome), as the node
   * firmware does before it sleeps. Set-interval (0x53) of at least
   * {@link MIN_INTERVAL_S} is applied (ok), below it invalid; any other action
   * is unsupported; a command with no action is invalid.
   */
  receive(payload: Buffer): Buffer[] {
    let message;
    try {
      message = decodeMessage(payload);
    } catch {
      return [];
    }
    if (message.kind !== KIND.RECEIPT && message.kind !== KIND.COMMAND) return [];
    return splitCommands(message.records).map((command) => this.next(KIND.RESULT, [
      record('commandId', command.id), record('outcome', this.run(command, message.unknownRecords)),
    ]));
  }

  private run(command: SplitCommand, unknownRecords: number): number {
    let outcome: number | undefined = unknownRecords > 0 ? OUTCOME.UNSUPPORTED : undefined;
    for (const { type, raw } of command.records) {
      if (type !== 0x53) {
        outcome = Math.max(outcome ?? 0, OUTCOME.UNSUPPORTED);
        continue;
      }
      const ok = (raw as number) >= MIN_INTERVAL_S;
      if (ok) this.intervalS = raw as number;
      outcome = Math.max(outcome ?? 0, ok ? OUTCOME.OK : OUTCOME.INVALID);
    }
    return outcome ?? OUTCOME.INVALID;
  }

  /** RSSI for one reception, dBm. */
  rssi(): number {
    return Math.round(this.spec.rssi + (this.random() - 0.5) * 6);
  }

  private next(kind: number, records: RecordDraft[]): Buffer {
    const message = encodeMessage({ kind, boot: this.boot, seq: this.seq, records });
    this.seq = (this.seq + 1) & 0xffff;
    return message;
  }

  private hello(): Buffer {
    return this.next(KIND.HELLO, [
      { type: 0x40, raw: 'demo-node 1.0.0' },
      { type: 0x41, raw: 0b111 },
      { type: 0x08, raw: this.intervalS },
      { type: 0x06, raw: STATUS_BITS.FIRST_AFTER_BOOT },
    ]);
  }

  private report(dayFraction: number): Buffer {
    const { spec } = this;
    const sun = Math.max(0, Math.sin((dayFraction - 0.25) * 2 * Math.PI));
    const daily = Math.sin((dayFraction - 0.375) * 2 * Math.PI);
    const noise = (scale: number) => (this.random() - 0.5) * scale;
    const temperature = spec.baseTempC + (spec.swingC / 2) * daily + noise(0.2);
    const humidity = Math.min(100, Math.max(0, spec.baseHumidity - 4 * daily + noise(1)));
    const pressure = 101_325 + 600 * Math.sin(dayFraction * 2 * Math.PI * 0.5) + noise(20);
    const lux = spec.peakLux * sun + Math.abs(noise(2));
    this.batteryV = Math.max(3.0, this.batteryV - (spec.drainVPerReport ?? 0));
    const low = this.batteryV < LOW_BATTERY_V;
    return this.next(KIND.REPORT, [
      { type: 0x01, raw: Math.round(temperature * 100) },
      { type: 0x02, raw: Math.round(humidity * 100) },
      { type: 0x03, raw: Math.round(pressure) },
      { type: 0x04, raw: Math.round(lux * 100) },
      { type: 0x05, raw: Math.round(this.batteryV * 1000) },
      { type: 0x06, raw: low ? STATUS_BITS.BATTERY_LOW : 0 },
      { type: 0x07, raw: 180 + Math.round(this.random() * 60) },
      { type: 0x08, raw: low ? this.intervalS * 2 : this.intervalS },
      { type: 0x09, raw: 0 },
    ]);
  }
}
