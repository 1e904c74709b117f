import { EventEmitter } from 'node:events';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { LineFramer } from './line-framer.ts';
import { openPort as openRealPort, type OpenPort, type PortBinding, type PortStream } from './open-port.ts';

/** First reopen delay after the device went away, ms. */
export const DEFAULT_MIN_BACKOFF_MS = 250;
/** Longest reopen delay, ms: a replugged broker is back within this. */
export const DEFAULT_MAX_BACKOFF_MS = 5000;

/** Options of {@link BrokerPort}. */
export interface BrokerPortOptions {
  /** Device path, e.g. `/dev/serial/by-id/usb-Espressif_..._if00`. */
  path: string;
  /** Bits per second; 115200 by protocol default, 921600 supported. */
  baudRate: number;
  /** Logger; the port logs as a child `{ stage: 'serial' }`. */
  log: Logger;
  /** Port opener; default the real one ({@link openRealPort}). */
  openPort?: OpenPort;
  /** Binding handed to the opener; default the native one (tests record through it). */
  binding?: PortBinding;
  /** First reopen delay, ms; doubles per failed attempt. Default {@link DEFAULT_MIN_BACKOFF_MS}. */
  minBackoffMs?: number;
  /** Cap of the reopen delay, ms. Default {@link DEFAULT_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number;
}

/** Counters since {@link BrokerPort.start}. */
export interface BrokerPortCounters {
  /** Bytes received. */
  bytes: number;
  /** Lines emitted. */
  lines: number;
  /** Lines over 1024 bytes, discarded. */
  overlongLines: number;
  /** Successful opens after the first one. */
  reopens: number;
}

/** Events of {@link BrokerPort}. */
export interface BrokerPortEvents {
  /** One line from the broker, without `\r\n`. */
  line: [line: string];
  open: [];
  close: [];
}

/**
 * The broker's serial port as a source of lines that never gives up: if the
 * device is missing at start or vanishes later (cable pulled, broker
 * reflashed), it logs that once, retries with back-off (250 ms doubling to
 * 5 s) and logs once more when the port is back.
 */
export class BrokerPort extends EventEmitter<BrokerPortEvents> {
  readonly counters: BrokerPortCounters = { bytes: 0, lines: 0, overlongLines: 0, reopens: 0 };
  private readonly options: BrokerPortOptions;
  private readonly log: Logger;
  private readonly open: OpenPort;
  private port: PortStream | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private down = false;
  private opened = false;

  constructor(options: BrokerPortOptions) {
    super();
    this.options = options;
    this.log = options.log.child({ stage: 'serial', path: options.path });
    this.open = options.openPort ?? openRealPort;
    this.backoffMs = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
  }

  /** True while the port is open. */
  get isOpen(): boolean {
    return this.port !== undefined;
  }

  /** Starts opening the port (in the background; watch `open`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.attempt();
  }

  /** Stops retrying and closes the port. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const port = this.port;
    if (port) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Sends one line (a `TX` or `TIME` frame); `\n` is appended. Rejects while the port is closed. */
  write(line: string): Promise<void> {
    const port = this.port;
    if (!port) {
      return Promise.reject(
        new GatewayError('SERIAL_NOT_OPEN', `serial ${this.options.path}: not open, line not sent`, { retryable: true }),
      );
    }
    return new Promise((resolve, reject) => {
      port.write(`${line}\n`, (err) =>
        err
          ? reject(new GatewayError('SERIAL_WRITE', `serial ${this.options.path}: write failed: ${err.message}`, { retryable: true, cause: err }))
          : resolve(),
      );
    });
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    const { path, baudRate, binding } = this.options;
    try {
      const port = await this.open({ path, baudRate, binding });
      if (!this.running) {
        port.close();
        return;
      }
      this.attach(port);
    } catch (err) {
      this.wentDown(err);
    }
  }

  private wentDown(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err ?? 'closed');
    if (!this.down) {
      this.down = true;
      this.log.warn({ reason }, 'broker serial port unavailable; reopening when it is back');
    } else {
      this.log.debug({ reason, retryInMs: this.backoffMs }, 'broker serial port still unavailable');
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.attempt(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
  }

  private attach(port: PortStream): void {
    if (this.opened) this.counters.reopens += 1;
    this.log.info({ baudRate: this.options.baudRate, reopen: this.opened }, this.down ? 'broker serial port is back' : 'broker serial port open');
    this.opened = true;
    this.down = false;
    this.backoffMs = this.options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    const framer = new LineFramer();
    framer.on('data', (line: string) => {
      this.counters.lines += 1;
      this.emit('line', line);
    });
    framer.on('overlong', (bytes: number) => {
      this.counters.overlongLines += 1;
      this.log.debug({ bytes }, 'line longer than 1024 bytes discarded');
    });
    port.on('data', (chunk: Buffer) => {
      this.counters.bytes += chunk.length;
      framer.write(chunk);
    });
    // Read/write errors end in `close` (with a DisconnectedError); handled there.
    port.on('error', (err) => this.log.debug({ err }, 'serial port error'));
    port.once('close', (err?: Error | null) => {
      this.port = undefined;
      framer.destroy();
      this.emit('close');
      if (this.running) this.wentDown(err ?? new Error('port closed'));
    });
    this.port = port;
    this.emit('open');
  }
}
