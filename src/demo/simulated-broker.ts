import {
  decodeMessage, encodeBrokerEvent, encodeMessage, HEADER_BYTES, KIND, MAX_MESSAGE_BYTES, parseGatewayFrame, record,
  type Frame, type TxStatus,
} from '../protocol/index.ts';
import { BROKER_BANNER, consoleNoise } from './console-noise.ts';
import { HeldCommands } from './held-commands.ts';
import { SimulatedNode, type SimulatedNodeSpec } from './simulated-node.ts';
import { SimulatedPowerStrip, type SimulatedStripSpec } from './simulated-power-strip.ts';

/** Options of {@link SimulatedBroker}. */
export interface SimulatedBrokerOptions {
  /** Sleepy sensor nodes. */
  nodes: readonly SimulatedNodeSpec[];
  /** Listening power strips. Default none. */
  strips?: readonly SimulatedStripSpec[];
  /** Deterministic random source in [0, 1). */
  random: () => number;
  /** Simulated day length in s of real time (the demo compresses a day). Default 600. */
  dayLengthS?: number;
  /** Heartbeat period in s. Default 10 (the protocol's). */
  heartbeatS?: number;
  /** Chance per second of a line of console noise (garbage, bad CRC, traceback). Default 0.05. */
  noiseRate?: number;
  /** Broker MAC, 12 hex digits. */
  brokerMac?: string;
  /** s from a `TX` line to the radio ack of a listening node (`TXR sent`); its RESULT follows as long again. Default 0.03. */
  radioDelayS?: number;
}

/** A simulated node as the broker's radio sees it. */
interface RadioNode {
  readonly listening: boolean;
  rssi(): number;
  /** A COMMAND or RECEIPT arrives; the messages the node sends back. */
  receive(payload: Buffer, elapsedS: number): Buffer[];
}

const ACKED_KINDS: ReadonlySet<number> = new Set([KIND.REPORT, KIND.HELLO, KIND.RESULT]);
const crlf = (lines: readonly string[]): Buffer => Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');

/**
 * A broker without hardware: what a real broker would print on its serial
 * port while a handful of nodes report, and how it answers the gateway's
 * lines (micropython/broker/). `advance(elapsedS)` returns the bytes for
 * everything due up to `elapsedS` seconds after start, so a timer (the demo)
 * or a loop (tests, bench) can drive it; `answer(frame)` takes a `TX` or
 * `TIME` line. A `TX` for a listening node is `sent` and its RESULT follows;
 * for a sleepy node it is `queued`, then `delivered` in the RECEIPT of the
 * node's next message, whose RESULT follows that. Readings follow a simulated
 * day of `dayLengthS` seconds, and a little console noise is mixed in, as a
 * real broker's UART also carries REPL output.
 */
export class SimulatedBroker {
  private readonly options: Required<SimulatedBrokerOptions>;
  private readonly nodes: { node: SimulatedNode; dueS: number }[];
  /** The simulated power strips, channels 1..n. */
  readonly strips: readonly SimulatedPowerStrip[];
  private readonly byMac = new Map<string, RadioNode>();
  private readonly held = new HeldCommands();
  private scheduled: { atS: number; line: string }[] = [];
  private nowS = 0;
  private clock: { unixS: number; atS: number } | undefined;
  private nextHeartbeatS = 0;
  private noiseClockS = 0;
  private started = false;
  private counters = { rx: 0, tx: 0, txFailed: 0 };

  constructor(options: SimulatedBrokerOptions) {
    this.options = {
      dayLengthS: 600, heartbeatS: 10, noiseRate: 0.05, brokerMac: 'b0b1b2b3b4b5', strips: [], radioDelayS: 0.03, ...options,
    };
    this.nodes = options.nodes.map((spec, i) => ({
      node: new SimulatedNode(spec, options.random),
      dueS: (i * spec.intervalS) / Math.max(1, options.nodes.length),
    }));
    this.strips = this.options.strips.map((spec) => new SimulatedPowerStrip(spec, options.random));
    for (const { node } of this.nodes) this.byMac.set(node.spec.mac, node);
    for (const strip of this.strips) this.byMac.set(strip.spec.mac, strip);
  }

  /** The simulated sensor node with this MAC (12 lower-case hex digits), if any. */
  sensorNode(mac: string): SimulatedNode | undefined {
    return this.nodes.find((entry) => entry.node.spec.mac === mac)?.node;
  }

  /** Bytes printed up to `elapsedS` s after the broker started. */
  advance(elapsedS: number): Buffer {
    const lines: string[] = [];
    if (!this.started) {
      this.started = true;
      lines.push(...BROKER_BANNER, encodeBrokerEvent({ type: 'boot', firmware: 'demo-broker 1.0.0', brokerMac: this.options.brokerMac, channel: 1 }));
    }
    this.nowS = Math.max(this.nowS, elapsedS);
    lines.push(...this.due(elapsedS));
    const dayFraction = (elapsedS / this.options.dayLengthS + 0.3) % 1;
    for (const entry of this.nodes) {
      while (entry.dueS <= elapsedS) {
        const { node } = entry;
        if (!node.isSilent(elapsedS)) lines.push(...this.heard(node.spec.mac, node.wake(dayFraction)));
        entry.dueS += node.intervalS;
      }
    }
    for (const strip of this.strips) lines.push(...this.heard(strip.spec.mac, strip.advance(elapsedS, dayFraction)));
    for (const id of this.held.expire(elapsedS)) lines.push(this.txr(id, 'expired'));
    while (this.nextHeartbeatS <= elapsedS) {
      lines.push(encodeBrokerEvent({
        type: 'hb', uptimeS: Math.floor(this.nextHeartbeatS), rx: this.counters.rx, rxDropped: 0,
        tx: this.counters.tx, txFailed: this.counters.txFailed, queued: this.held.count,
      }));
      this.nextHeartbeatS += this.options.heartbeatS;
    }
    for (; this.noiseClockS < elapsedS; this.noiseClockS += 1) {
      if (this.options.random() < this.options.noiseRate) lines.push(consoleNoise(this.options.random));
    }
    return crlf(lines);
  }

  /**
   * The broker's answer to a line from the gateway, at `elapsedS` (default:
   * the last `advance`): `TIME` sets the clock used in RECEIPTs; a `TX` is
   * answered with its `TXR` (and the node's messages) after the simulated
   * radio delay, so the bytes come out of a later `advance`, or at once when
   * the delay is 0. A `TX` whose fields or payload do not parse is `invalid`.
   */
  answer(frame: Frame, elapsedS = this.nowS): Buffer {
    const at = Math.max(this.nowS, elapsedS);
    let command;
    try {
      command = parseGatewayFrame(frame);
    } catch {
      const id = frame.fields[0] ?? '';
      if (frame.tag === 'TX' && /^[1-9][0-9]{0,4}$/.test(id) && Number(id) <= 0xffff) this.schedule(at, [this.txr(Number(id), 'invalid')]);
      return crlf(this.due(at));
    }
    if (command.type === 'time') this.clock = { unixS: command.unixS, atS: at };
    else this.transmit(command.id, command.mac, command.payload, at);
    return crlf(this.due(at));
  }

  private transmit(id: number, mac: string, payload: Buffer, at: number): void {
    let kind: number;
    try {
      kind = decodeMessage(payload).kind;
    } catch {
      this.schedule(at, [this.txr(id, 'invalid')]);
      return;
    }
    const node = this.byMac.get(mac);
    const delay = this.options.radioDelayS;
    if (node?.listening) {
      this.counters.tx += 1;
      this.schedule(at + delay, [this.txr(id, 'sent')]);
      this.schedule(at + 2 * delay, this.heard(mac, node.receive(payload, at)));
    } else if (kind === KIND.COMMAND && this.held.put(mac, id, payload.subarray(HEADER_BYTES), at)) {
      this.schedule(at + delay, [this.txr(id, 'queued')]);
    } else {
      this.counters.txFailed += kind === KIND.COMMAND ? 0 : 1;
      this.schedule(at + delay, [this.txr(id, 'failed')]);
    }
  }

  /**
   * The lines for messages heard from `mac`: each acknowledged with a
   * RECEIPT that carries the commands held for the node (`TXR delivered`,
   * printed before the message's `RX` line, as the firmware does), then the
   * node's answers to those commands, heard the same way.
   */
  private heard(mac: string, payloads: readonly Buffer[]): string[] {
    const node = this.byMac.get(mac);
    const lines: string[] = [];
    const answers: Buffer[] = [];
    for (const payload of payloads) {
      const receipt = this.receipt(mac, payload);
      if (receipt && node) {
        lines.push(...receipt.ids.map((id) => this.txr(id, 'delivered')));
        answers.push(...node.receive(receipt.message, this.nowS));
      }
      this.counters.rx += 1;
      lines.push(encodeBrokerEvent({ type: 'rx', mac, rssi: node?.rssi(), payload }));
    }
    return answers.length > 0 ? [...lines, ...this.heard(mac, answers)] : lines;
  }

  /** The RECEIPT for a message, when it carries held commands: the RECEIPT's bytes and the commands' ids. */
  private receipt(mac: string, payload: Buffer): { message: Buffer; ids: number[] } | undefined {
    let header;
    try {
      header = decodeMessage(payload);
    } catch {
      return undefined;
    }
    if (!ACKED_KINDS.has(header.kind)) return undefined;
    this.counters.tx += 1;
    const records = this.clock ? [record('time', this.clock.unixS + Math.floor(this.nowS - this.clock.atS))] : [];
    const { tail, ids } = this.held.take(mac, MAX_MESSAGE_BYTES - HEADER_BYTES - 6 * records.length);
    if (ids.length === 0) return undefined;
    const head = encodeMessage({ kind: KIND.RECEIPT, boot: header.boot, seq: header.seq, records });
    return { message: Buffer.concat([head, tail]), ids };
  }

  private txr(id: number, status: TxStatus): string {
    return encodeBrokerEvent({ type: 'txr', id, status });
  }

  private schedule(atS: number, lines: readonly string[]): void {
    for (const line of lines) this.scheduled.push({ atS, line });
  }

  /** Scheduled lines due at `atS`, in time order (ties in the order they were scheduled). */
  private due(atS: number): string[] {
    const now = this.scheduled.filter((s) => s.atS <= atS).sort((a, b) => a.atS - b.atS);
    this.scheduled = this.scheduled.filter((s) => s.atS > atS);
    return now.map((s) => s.line);
  }
}
