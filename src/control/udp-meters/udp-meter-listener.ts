import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { GatewayError } from '../../errors.ts';
import { RateLimitedLog, type RateLimitOptions } from '../../gateway/rate-limited-log.ts';
import type { Service } from '../../gateway/service.ts';
import type { Logger } from '../../log.ts';
import type { UdpInvalidReason, UdpMeterCounters } from '../metrics/metrics-snapshot.ts';
import { meterReportToMessage, type MeterMessage } from './meter-message.ts';
import { decodeReport } from './power-meter-schema.ts';
import { DEFAULT_MAX_DATAGRAM_BYTES } from './udp-meter-defaults.ts';
import { UdpMeterError } from './udp-meter-error.ts';

export { DEFAULT_MAX_DATAGRAM_BYTES };

/** Options of {@link UdpMeterListener}. */
export interface UdpMeterListenerOptions {
  /** Address to bind (`udpMeters.listen`'s host): `0.0.0.0` for the LAN, `127.0.0.1`, `::`. */
  readonly host: string;
  /** UDP port; 0 = any free one (tests; see {@link UdpMeterListener.port}). */
  readonly port: number;
  /**
   * Takes one valid report into the gateway as if it came over the radio
   * (the lead's hook on the pipeline: registry, duplicates, points, bus).
   * A throw is logged and counted as nothing else: the listener keeps going.
   */
  deliver(meter: MeterMessage): void;
  readonly log: Logger;
  /** Default {@link DEFAULT_MAX_DATAGRAM_BYTES}. */
  readonly maxDatagramBytes?: number;
  /** Limits of the "bad datagram" log lines; default 20 a minute. */
  readonly rateLimit?: RateLimitOptions;
}

/**
 * Wi-Fi power meters: one protobuf PowerMeterReport per UDP datagram
 * (docs/power-meter.proto), checked and handed to the gateway as the REPORT a
 * radio power meter would send. Bad datagrams (too large, not the message, a
 * bad MAC, a value the radio records cannot carry) are counted by reason and
 * logged at most 20 a minute; nothing a datagram holds stops the listener.
 */
export class UdpMeterListener implements Service {
  readonly name = 'udp-meters';
  private readonly o: UdpMeterListenerOptions;
  private readonly log: Logger;
  private readonly badLog: RateLimitedLog;
  private socket: Socket | undefined;
  private datagrams = 0;
  private readonly invalid: Record<UdpInvalidReason, number> = { too_large: 0, decode: 0, mac: 0, range: 0 };

  constructor(options: UdpMeterListenerOptions) {
    this.o = options;
    this.log = options.log.child({ stage: 'udp-meters' });
    this.badLog = new RateLimitedLog(this.log, { level: 'warn', what: 'bad UDP meter datagrams' }, options.rateLimit);
  }

  /** Binds the socket; rejects with `UDP_METERS_LISTEN` naming `udpMeters.listen` when it cannot. */
  async start(): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.o.host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(new GatewayError('UDP_METERS_LISTEN', `udpMeters.listen: cannot listen on ${this.o.host}:${this.o.port}: ${err.code ?? err.message}`, { cause: err }));
      });
      socket.bind(this.o.port, this.o.host, () => resolve());
    });
    socket.removeAllListeners('error');
    socket.on('error', (err) => this.log.error({ err }, 'UDP meter socket error; still listening'));
    socket.on('message', (bytes, from) => this.handle(bytes, from));
    this.socket = socket;
    this.log.info({ host: this.o.host, port: this.port }, 'listening for UDP power meters');
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.badLog.flush();
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The bound port (the one the system picked for port 0); undefined before start. */
  get port(): number | undefined {
    return this.socket?.address().port;
  }

  /** Counters since start, for the metrics. */
  counters(): UdpMeterCounters {
    return { datagrams: this.datagrams, invalid: { ...this.invalid } };
  }

  private handle(bytes: Buffer, from: RemoteInfo): void {
    this.datagrams += 1;
    let meter: MeterMessage;
    try {
      if (bytes.length > (this.o.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES)) {
        throw new UdpMeterError('too_large', `${bytes.length} bytes, at most ${this.o.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES}`);
      }
      meter = meterReportToMessage(decodeOrThrow(bytes));
    } catch (error) {
      if (!(error instanceof UdpMeterError)) throw error;
      this.invalid[error.reason] += 1;
      this.badLog.add(error.code, { from: `${from.address}:${from.port}`, bytes: bytes.length }, `bad UDP meter datagram: ${error.message}`);
      this.log.debug({ from: from.address, hex: bytes.subarray(0, 256).toString('hex') }, 'bad UDP meter datagram bytes');
      return;
    }
    try {
      this.o.deliver(meter);
    } catch (err) {
      this.log.error({ err, node: meter.mac }, 'a UDP meter report could not be taken in');
    }
  }
}

function decodeOrThrow(bytes: Buffer): ReturnType<typeof decodeReport> {
  try {
    return decodeReport(bytes);
  } catch (error) {
    throw new UdpMeterError('decode', `not a PowerMeterReport (docs/power-meter.proto): ${error instanceof Error ? error.message : String(error)}`);
  }
}
