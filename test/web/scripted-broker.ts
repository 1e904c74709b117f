import { decodeLine, encodeBrokerEvent, encodeMessage, KIND, parseGatewayFrame, record, type GatewayCommand, type RecordDraft } from '../../src/protocol/index.ts';
import type { PtyPair } from '../helpers/pty-pair.ts';

/** One outlet of a REPORT: V, A, W, Wh, relay. */
export interface OutletReading { channel: number; voltage: number; current: number; power: number; energy: number; relay: boolean }

/** Environment readings of a REPORT, display units. */
export interface EnvReading { temperature?: number; humidity?: number; pressure?: number; illuminance?: number; battery?: number }

const line = (text: string): string => `${text}\r\n`;

/** Records of one outlet, in wire units (protocol section 1 and 4). */
export const outletRecords = (o: OutletReading): RecordDraft[] => [
  record('channel', o.channel), record('voltage', Math.round(o.voltage * 100)), record('current', Math.round(o.current * 1000)),
  record('power', Math.round(o.power * 10)), record('energy', Math.round(o.energy)), record('relay', o.relay ? 1 : 0),
];

const envRecords = (e: EnvReading): RecordDraft[] => [
  ...(e.temperature === undefined ? [] : [record('temperature', Math.round(e.temperature * 100))]),
  ...(e.humidity === undefined ? [] : [record('humidity', Math.round(e.humidity * 100))]),
  ...(e.pressure === undefined ? [] : [record('pressure', Math.round(e.pressure * 100))]),
  ...(e.illuminance === undefined ? [] : [record('illuminance', Math.round(e.illuminance * 100))]),
  ...(e.battery === undefined ? [] : [record('battery', Math.round(e.battery * 1000))]),
];

/**
 * The broker's side of the pty, written as the firmware would: RX lines of
 * nodes' messages, BOOT and HB, TXR for the gateway's TX lines.
 */
export class ScriptedBroker {
  private readonly pty: PtyPair;
  private readonly seqs = new Map<string, number>();

  constructor(pty: PtyPair) {
    this.pty = pty;
  }

  private next(mac: string): number {
    const seq = (this.seqs.get(mac) ?? 0) + 1;
    this.seqs.set(mac, seq);
    return seq;
  }

  /** Writes `BOOT` and one `HB`, so the gateway takes commands. */
  hello(): Promise<void> {
    return this.pty.write(line(encodeBrokerEvent({ type: 'boot', firmware: 'broker-1.0', brokerMac: 'b0b0b0b0b0b0', channel: 1 }))
      + line(encodeBrokerEvent({ type: 'hb', uptimeS: 10, rx: 0, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 })));
  }

  /** A node's HELLO: firmware, capability bits, report interval s. */
  nodeHello(mac: string, capabilities: number, intervalS: number, rssi = -55): Promise<void> {
    const payload = encodeMessage({ kind: KIND.HELLO, boot: 1, seq: this.next(mac), records: [record('firmware', 'test-1.0'), record('capabilities', capabilities), record('interval', intervalS)] });
    return this.pty.write(line(encodeBrokerEvent({ type: 'rx', mac, rssi, payload })));
  }

  /** A REPORT with environment readings and outlets. */
  report(mac: string, env: EnvReading, outlets: OutletReading[] = [], rssi = -58): Promise<void> {
    const payload = encodeMessage({ kind: KIND.REPORT, boot: 1, seq: this.next(mac), records: [...envRecords(env), ...outlets.flatMap(outletRecords)] });
    return this.pty.write(line(encodeBrokerEvent({ type: 'rx', mac, rssi, payload })));
  }

  /** `TXR,<id>,sent` then the node's RESULT: outcome ok, the channel's relay as it now is. */
  confirm(mac: string, id: number, channel: number, relayOn: boolean): Promise<void> {
    const payload = encodeMessage({
      kind: KIND.RESULT, boot: 1, seq: this.next(mac),
      records: [record('commandId', id), record('outcome', 0), record('channel', channel), record('relay', relayOn ? 1 : 0)],
    });
    return this.pty.write(line(encodeBrokerEvent({ type: 'txr', id, status: 'sent' })) + line(encodeBrokerEvent({ type: 'rx', mac, rssi: -50, payload })));
  }

  /** Every `TX` line the gateway wrote so far, raw (without `\n`) and parsed. */
  txLines(): { raw: string; command: GatewayCommand }[] {
    return this.pty.received().toString('utf8').split('\n')
      .filter((l) => l.startsWith('TX,'))
      .map((raw) => ({ raw, command: parseGatewayFrame(decodeLine(raw)) }));
  }
}
