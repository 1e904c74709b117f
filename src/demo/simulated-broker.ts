import { encodeBrokerEvent, encodeLine } from '../protocol/index.ts';
import { SimulatedNode, type SimulatedNodeSpec } from './simulated-node.ts';

/** Options of {@link SimulatedBroker}. */
export interface SimulatedBrokerOptions {
  nodes: readonly SimulatedNodeSpec[];
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
}

const BANNER = [
  'ets Jun  8 2016 00:22:57',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'MicroPython v1.27.0 on 2026-01-01; Generic ESP32 module with ESP32',
  'Type "help()" for more information.',
];

/**
 * A broker without hardware: what a real broker would print on its serial
 * port while a handful of nodes report. `advance(elapsedS)` returns the bytes
 * for everything due up to `elapsedS` seconds after start, so a timer (the
 * demo) or a loop (tests, bench) can drive it. Readings follow a simulated
 * day of `dayLengthS` seconds, and a little console noise is mixed in, as a
 * real broker's UART also carries REPL output.
 */
export class SimulatedBroker {
  private readonly options: Required<SimulatedBrokerOptions>;
  private readonly nodes: { node: SimulatedNode; dueS: number }[];
  private nextHeartbeatS = 0;
  private noiseClockS = 0;
  private started = false;
  private counters = { rx: 0, tx: 0 };

  constructor(options: SimulatedBrokerOptions) {
    this.options = {
      dayLengthS: 600, heartbeatS: 10, noiseRate: 0.05, brokerMac: 'b0b1b2b3b4b5', ...options,
    };
    this.nodes = options.nodes.map((spec, i) => ({
      node: new SimulatedNode(spec, options.random),
      dueS: (i * spec.intervalS) / Math.max(1, options.nodes.length),
    }));
  }

  /** Bytes printed up to `elapsedS` s after the broker started. */
  advance(elapsedS: number): Buffer {
    const lines: string[] = [];
    if (!this.started) {
      this.started = true;
      lines.push(...BANNER, encodeBrokerEvent({ type: 'boot', firmware: 'demo-broker 1.0.0', brokerMac: this.options.brokerMac, channel: 1 }));
    }
    const dayFraction = (elapsedS / this.options.dayLengthS + 0.3) % 1;
    for (const entry of this.nodes) {
      while (entry.dueS <= elapsedS) {
        entry.dueS += entry.node.spec.intervalS;
        if (entry.node.isSilent(elapsedS)) continue;
        for (const payload of entry.node.wake(dayFraction)) {
          this.counters.rx += 1;
          lines.push(encodeBrokerEvent({ type: 'rx', mac: entry.node.spec.mac, rssi: entry.node.rssi(), payload }));
        }
      }
    }
    while (this.nextHeartbeatS <= elapsedS) {
      lines.push(encodeBrokerEvent({
        type: 'hb', uptimeS: Math.floor(this.nextHeartbeatS), rx: this.counters.rx, rxDropped: 0, tx: this.counters.tx, txFailed: 0, queued: 0,
      }));
      this.nextHeartbeatS += this.options.heartbeatS;
    }
    for (; this.noiseClockS < elapsedS; this.noiseClockS += 1) {
      if (this.options.random() < this.options.noiseRate) lines.push(this.noise());
    }
    return Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');
  }

  /** The broker's answer to a line from the gateway (`TXR` for a `TX`; nothing for `TIME`). */
  answer(frame: { tag: string; fields: readonly string[] }): Buffer {
    if (frame.tag !== 'TX') return Buffer.alloc(0);
    this.counters.tx += 1;
    return Buffer.from(`${encodeLine('TXR', [frame.fields[0] ?? '0', 'queued'])}\r\n`);
  }

  private noise(): string {
    const kind = Math.floor(this.options.random() * 3);
    if (kind === 0) return 'Traceback (most recent call last):\r\n  File "main.py", line 42, in <module>\r\nOSError: [Errno 116] ETIMEDOUT';
    if (kind === 1) {
      const good = encodeLine('HB', ['1', '2', '0', '0', '0', '0']);
      return `${good.slice(0, -8)}deadbeef`;
    }
    const bytes = Array.from({ length: 12 }, () => String.fromCharCode(1 + Math.floor(this.options.random() * 250)));
    return bytes.join('').replace(/[\r\n]/g, '?');
  }
}
