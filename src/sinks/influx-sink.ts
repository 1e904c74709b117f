import { InfluxDB, type Transport } from '@influxdata/influxdb-client';
import type { Logger } from '../log.ts';
import { toLineProtocol, type Point } from '../points/point.ts';
import type { Spool, SpoolBatch } from '../spool/spool.ts';
import { classifyWriteError, InfluxRejectedError, InfluxTooLargeError, type InfluxWriteError } from './influx-errors.ts';
import type { Sink, SinkStatus } from './sink.ts';

/** Default period of sending the spool, ms. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** Default most lines per write request. */
export const DEFAULT_BATCH_SIZE = 5000;
/** Default per-request timeout, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Retry delay after a 5xx/network failure: starts here, ms, doubling... */
export const DEFAULT_MIN_RETRY_MS = 1000;
/** ...up to this, ms. Also the retry period while the config is wrong (401/403/404). */
export const DEFAULT_MAX_RETRY_MS = 60_000;
/** Bound of the final flush in {@link InfluxSink.stop}, ms. */
export const DEFAULT_STOP_TIMEOUT_MS = 3000;

/** Options of {@link InfluxSink}; the first four are the config's `influx` section. */
export interface InfluxSinkOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8086`. */
  url: string;
  org: string;
  bucket: string;
  /** API token (secret; never logged). */
  token: string;
  /** The opened spool; the sink closes it in `stop()`. */
  spool: Spool;
  log: Logger;
  /** Default {@link DEFAULT_FLUSH_INTERVAL_MS}. */
  flushIntervalMs?: number;
  /** Default {@link DEFAULT_BATCH_SIZE}. */
  batchSize?: number;
  /** Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_MIN_RETRY_MS}. */
  minRetryMs?: number;
  /** Default {@link DEFAULT_MAX_RETRY_MS}. */
  maxRetryMs?: number;
  /** Retry period while the config is wrong, ms. Default {@link DEFAULT_MAX_RETRY_MS}. */
  configRetryMs?: number;
  /** Default {@link DEFAULT_STOP_TIMEOUT_MS}. */
  stopTimeoutMs?: number;
  /** Random source in [0, 1) for retry jitter; default `Math.random`. */
  random?: () => number;
}

/**
 * Sends points to InfluxDB 2.x (or anything speaking its v2 write API) with
 * the spool as the only buffer: `write()` appends to the spool; every
 * `flushIntervalMs` the oldest lines go out in requests of up to `batchSize`
 * lines (`precision=us`), and are acknowledged in the spool only after a 2xx.
 * Uses the client's transport directly: `WriteApi` would keep its own retry
 * buffer in memory, which a crash loses and which would duplicate the spool.
 *
 * On failure (see influx-errors.ts): 5xx/network/timeout retry 1 s doubling to
 * 60 s with up to 20 % jitter; 401/403/404 name the config key and retry every
 * `configRetryMs`; 400/422 set the batch aside (`<dataDir>/rejected/`); 413
 * halves the batch. A problem is logged once until it changes; recovery is
 * logged with the outage length.
 */
export class InfluxSink implements Sink {
  private readonly o: Required<Omit<InfluxSinkOptions, 'spool' | 'log' | 'token'>>;
  private readonly spool: Spool;
  private readonly log: Logger;
  private readonly transport: Transport;
  private readonly path: string;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private controller: AbortController | undefined;
  /** Set by stop(): no request may outlive it. */
  private stopDeadline: number | undefined;
  private retryMs: number;
  private maxLines: number;
  private problem: { key: string; sinceMs: number } | undefined;
  private state: SinkStatus = { reachable: true, backlogPoints: 0 };

  constructor(options: InfluxSinkOptions) {
    this.o = {
      url: options.url,
      org: options.org,
      bucket: options.bucket,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      minRetryMs: options.minRetryMs ?? DEFAULT_MIN_RETRY_MS,
      maxRetryMs: options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS,
      configRetryMs: options.configRetryMs ?? DEFAULT_MAX_RETRY_MS,
      stopTimeoutMs: options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
      random: options.random ?? Math.random,
    };
    this.spool = options.spool;
    this.log = options.log.child({ stage: 'influx', url: options.url, org: options.org, bucket: options.bucket });
    this.transport = new InfluxDB({ url: options.url, token: options.token, timeout: this.o.timeoutMs }).transport;
    const q = new URLSearchParams({ org: options.org, bucket: options.bucket, precision: 'us' });
    this.path = `/api/v2/write?${q.toString()}`;
    this.retryMs = this.o.minRetryMs;
    this.maxLines = this.o.batchSize;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  write(points: readonly Point[]): void {
    this.spool.append(points.map(toLineProtocol));
  }

  status(): SinkStatus {
    return { ...this.state, backlogPoints: this.spool.stats().pendingLines };
  }

  /** One last flush of what waits (at most `stopTimeoutMs`, then aborted), then closes the spool. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    clearTimeout(this.timer);
    const deadline = Date.now() + this.o.stopTimeoutMs;
    this.stopDeadline = deadline;
    const guard = setTimeout(() => this.controller?.abort(), this.o.stopTimeoutMs);
    try {
      await this.current;
      if (wasRunning && this.state.reachable) await this.flush(deadline);
    } finally {
      clearTimeout(guard);
      await this.spool.close();
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.current = this.flush(Infinity).then((next) => {
        if (this.running) this.schedule(next);
      });
    }, delayMs);
  }

  /** Sends batches until the spool is empty or a write fails; resolves with the delay before the next round. */
  private async flush(deadline: number): Promise<number> {
    while (Date.now() < Math.min(deadline, this.stopDeadline ?? Infinity)) {
      const batch = await this.spool.read(this.maxLines);
      if (!batch) return this.o.flushIntervalMs;
      const err = await this.send(batch);
      if (!err) {
        await this.spool.ack(batch);
        this.recovered();
        this.maxLines = this.o.batchSize;
      } else if (err instanceof InfluxRejectedError) {
        await this.spool.setAside(batch, err.message);
      } else if (err instanceof InfluxTooLargeError) {
        if (batch.lines.length === 1) await this.spool.setAside(batch, err.message);
        else this.maxLines = Math.max(1, Math.floor(batch.lines.length / 2));
      } else {
        return this.failed(err);
      }
    }
    return this.o.flushIntervalMs;
  }

  private async send(batch: SpoolBatch): Promise<InfluxWriteError | undefined> {
    const controller = new AbortController();
    this.controller = controller;
    const guard = this.stopDeadline === undefined ? undefined : setTimeout(() => controller.abort(), Math.max(0, this.stopDeadline - Date.now()));
    try {
      await this.transport.request(this.path, batch.lines.join('\n'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        gzipThreshold: 1000,
        signal: controller.signal,
      });
      return undefined;
    } catch (err) {
      return classifyWriteError(err, this.o);
    } finally {
      clearTimeout(guard);
      this.controller = undefined;
    }
  }

  private failed(err: InfluxWriteError): number {
    const key = `${err.code} ${err.status ?? ''} ${err.message}`;
    this.state = { reachable: false, backlogPoints: 0, lastError: err.message };
    if (this.problem?.key !== key) {
      const fields = { code: err.code, status: err.status, backlogPoints: this.spool.stats().pendingLines };
      if (err.retryable) this.log.warn(fields, `${err.message}; retrying with back-off`);
      else this.log.error(fields, err.message);
      this.problem = { key, sinceMs: this.problem?.sinceMs ?? Date.now() };
    }
    if (!err.retryable) return this.o.configRetryMs;
    const base = Math.max(this.retryMs, err.retryAfterMs ?? 0);
    this.retryMs = Math.min(this.retryMs * 2, this.o.maxRetryMs);
    return Math.min(base * (1 + 0.2 * this.o.random()), this.o.maxRetryMs * 1.2);
  }

  private recovered(): void {
    if (this.problem) {
      this.log.info({ downMs: Date.now() - this.problem.sinceMs, backlogPoints: this.spool.stats().pendingLines }, 'InfluxDB writes work again');
    }
    this.problem = undefined;
    this.retryMs = this.o.minRetryMs;
    this.state = { reachable: true, backlogPoints: 0 };
  }
}
