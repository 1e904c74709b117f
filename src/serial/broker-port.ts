import { EventEmitter } from 'node:events';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { identifyDevice, watchDevice } from './device-watch.ts';
import { LineSplitter } from './line-splitter.ts';
import { openPort as openRealPort, type OpenPort, type PortBinding, type PortStream } from './open-port.ts';
import { NOT_SERIAL_DEVICE, notSerialDeviceError, probeSerialDevice } from './serial-device.ts';
import { systemTimers, type SerialTimers } from './serial-timers.ts';

/** First reopen delay after the device went away, ms. */
export const DEFAULT_MIN_BACKOFF_MS = 250;
/** Longest reopen delay, ms: a replugged broker is back within this. */
export const DEFAULT_MAX_BACKOFF_MS = 5000;

/** How often an open port's path is checked for a vanished device, ms. */
export const DEFAULT_WATCH_INTERVAL_MS = 500;

/** How often a `serial.path` that is no serial device (a regular file, `/dev/null`) is looked at again, ms. */
export const DEFAULT_NOT_SERIAL_RETRY_MS = 30_000;

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
  /**
   * Period of the vanished-device check while open, ms; 0 turns it off (for a
   * binding with no device node, such as the demo's mock). Default {@link DEFAULT_WATCH_INTERVAL_MS}.
   */
  watchIntervalMs?: number;
  /** Retry period while the path exists but is no serial device, ms. Default {@link DEFAULT_NOT_SERIAL_RETRY_MS}. */
  notSerialRetryMs?: number;
  /** Timers of the back-off and the watch; default Node's ({@link systemTimers}). Tests step them by hand. */
  timers?: SerialTimers;
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
 * 5 s) and logs once more when the port is back. A path that exists but is no
 * serial port (a regular file, `/dev/null`) is an error naming `serial.path`,
 * logged once and looked at again every 30 s.
 */
export class BrokerPort extends EventEmitter<BrokerPortEvents> {
  readonly counters: BrokerPortCounters = { bytes: 0, lines: 0, overlongLines: 0, reopens: 0 };
  private readonly options: BrokerPortOptions;
  private readonly log: Logger;
  private readonly open: OpenPort;
  private port: PortStream | undefined;
  private running = false;
  private readonly timers: SerialTimers;
  private timer: unknown;
  private backoffMs: number;
  private down = false;
  private notSerial = false;
  private opened = false;
  private unwatch: (() => void) | undefined;
  private gone: Error | undefined;

  constructor(options: BrokerPortOptions) {
    super();
    this.options = options;
    this.log = options.log.child({ stage: 'serial', path: options.path });
    this.open = options.openPort ?? openRealPort;
    this.timers = options.timers ?? systemTimers;
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
    this.timers.clearTimeout(this.timer);
    this.unwatch?.();
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
    const watching = this.options.watchIntervalMs !== 0;
    try {
      const port = await this.open({ path, baudRate, binding }).catch(async (err: unknown) => {
        // serialport says only "Inappropriate ioctl for device" for /dev/null or a file: find out why.
        const probe = watching ? await probeSerialDevice(path) : undefined;
        throw probe?.kind === 'not-serial' ? notSerialDeviceError(path, probe, err) : err;
      });
      if (!this.running) {
        port.close();
        return;
      }
      const device = !watching ? '' : await identifyDevice(path).catch((err: unknown) => {
        port.close();
        throw err;
      });
      this.attach(port, device);
    } catch (err) {
      this.wentDown(err);
    }
  }

  private wentDown(err: unknown): void {
    if (err instanceof GatewayError && err.code === NOT_SERIAL_DEVICE) {
      this.notSeriallyDown(err);
      return;
    }
    const reason = err instanceof Error ? err.message : String(err ?? 'closed');
    if (!this.down) {
      this.down = true;
      this.log.warn({ reason }, 'broker serial port unavailable; reopening when it is back');
    } else {
      this.log.debug({ reason, retryInMs: this.backoffMs }, 'broker serial port still unavailable');
    }
    if (!this.running) return;
    this.timer = this.timers.setTimeout(() => void this.attempt(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
  }

  /** A regular file or `/dev/null` will not turn into the broker by waiting 250 ms: said once, as an error, then checked slowly. */
  private notSeriallyDown(err: GatewayError): void {
    const retryInMs = this.options.notSerialRetryMs ?? DEFAULT_NOT_SERIAL_RETRY_MS;
    if (!this.notSerial) this.log.error({ code: err.code, retryInMs }, err.message);
    else this.log.debug({ reason: err.message, retryInMs }, 'serial.path still not a serial device');
    this.notSerial = true;
    this.down = true;
    if (this.running) this.timer = this.timers.setTimeout(() => void this.attempt(), retryInMs);
  }

  private attach(port: PortStream, device: string): void {
    if (this.opened) this.counters.reopens += 1;
    this.log.info({ baudRate: this.options.baudRate, reopen: this.opened }, this.down ? 'broker serial port is back' : 'broker serial port open');
    this.opened = true;
    this.down = false;
    this.notSerial = false;
    this.backoffMs = this.options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    // Lines are emitted straight from the chunk's 'data' callback (no stream hop per line).
    const splitter = new LineSplitter({
      onLine: (line) => {
        this.counters.lines += 1;
        this.emit('line', line);
      },
      onOverlong: (bytes) => {
        this.counters.overlongLines += 1;
        this.log.debug({ bytes }, 'line longer than 1024 bytes discarded');
      },
    });
    port.on('data', (chunk: Buffer) => {
      this.counters.bytes += chunk.length;
      splitter.push(chunk);
    });
    // Read/write errors end in `close` (with a DisconnectedError); handled there.
    port.on('error', (err) => this.log.debug({ err }, 'serial port error'));
    if (this.options.watchIntervalMs !== 0) {
      this.unwatch = watchDevice({
        path: this.options.path, device, timers: this.timers, intervalMs: this.options.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS,
        onGone: (reason) => {
          // A vanished device never errors by itself (see device-watch.ts): closing starts the reopen cycle.
          this.gone = reason;
          port.close();
        },
      });
    }
    port.once('close', (err?: Error | null) => {
      this.unwatch?.();
      this.port = undefined;
      splitter.reset();
      this.emit('close');
      if (this.running) this.wentDown(err ?? this.gone ?? new Error('port closed'));
      this.gone = undefined;
    });
    this.port = port;
    this.emit('open');
  }
}
