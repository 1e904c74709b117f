import type { Logger } from '../log.ts';
import { LINE_RECORDS } from '../points/line-bytes.ts';
import type { Point } from '../points/point.ts';
import { BatchScratch } from '../spool/batch-scratch.ts';
import { RejectedStore, type RejectedStats } from '../spool/rejected-store.ts';
import type { Spool, SpoolBatch } from '../spool/spool.ts';
import { classifyWriteError, InfluxRejectedError, InfluxTooLargeError, InfluxWriteError, tooLargeAtFloor } from './influx-errors.ts';
import {
  DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_RETRY_MS, DEFAULT_MIN_RETRY_MS, DEFAULT_STOP_TIMEOUT_MS, DEFAULT_TIMEOUT_MS,
  SPLIT_FLOOR_BYTES, SPLIT_FLOOR_LINES, type InfluxSinkOptions, type InfluxSinkStats,
} from './influx-sink-options.ts';
import { FlushSchedule, type RoundOutcome } from './flush-schedule.ts';
import type { Sink, SinkStatus } from './sink.ts';
import { systemTimers, type SinkTimers } from './sink-timers.ts';
import { InfluxWriteRequest } from './influx-write-request.ts';

export * from './influx-sink-options.ts';
export { GZIP_MIN_BYTES } from './influx-write-request.ts';

/** A sent batch of at least this many lines (but not a full one) is a burst: see {@link BURST_GAP_MS}. */
export const BURST_MIN_LINES = 200;
/** After a burst's batch the next request waits this long, ms, whatever is written meanwhile. */
export const BURST_GAP_MS = 20;

/**
 * Sends points to InfluxDB 2.x (or anything speaking its v2 write API) with
 * the spool as the only buffer: `write()` appends to the spool, and the
 * oldest lines go out in requests of up to `batchSize` lines (`precision=us`),
 * acknowledged in the spool only after a 2xx.
 *
 * The wait (flush-schedule.ts): when the sink is idle (no request in flight,
 * not backing off), a write starts sending at the end of its event-loop turn,
 * so a point waits about one turn plus one round trip, and the points written
 * in one turn go in one request. Points written while a request is in flight
 * go in the next one, sent as soon as that is acknowledged: under load the
 * requests grow by themselves (everything that arrived during one round trip),
 * never one per point; after a mid-sized batch ({@link BURST_MIN_LINES} or
 * more, not a full one: a burst) the next request waits {@link BURST_GAP_MS}
 * so that it carries more. `flushIntervalMs` is only the longest wait between
 * rounds (e.g. for what the spool recovered or wrote after a disk problem).
 * While backing off after a failure, writes do not cut the wait short. A line
 * is sent only once `spool.read()` has it, i.e. written to its segment file
 * (in the page cache, not yet fsynced; lines held in memory while the disk
 * refuses writes wait until they are written).
 * Each batch goes out as the Buffer the spool hands out, in one POST
 * (influx-write-request.ts); the client's `WriteApi` would keep its own retry
 * buffer in memory, which a crash loses and which would duplicate the spool.
 *
 * On failure (see influx-errors.ts): 5xx/network/timeout retry 1 s doubling to
 * 60 s with up to 20 % jitter; 401/403/404 name the config key and retry every
 * `configRetryMs`; 400/422 set the batch aside in `rejectedDir` (bounded, see
 * rejected-store.ts; when it cannot be written the batch stays in the spool
 * and is retried with back-off); 413 halves the batch down to
 * {@link SPLIT_FLOOR_LINES} lines / {@link SPLIT_FLOOR_BYTES} bytes, and a 413
 * at that floor is a server (proxy) problem: back-off, points kept. A problem
 * is logged once until it changes; recovery is logged with the outage length.
 * The loop never rejects: an unexpected error is logged and retried. Time and
 * timers are injected ({@link SinkTimers}) so tests run retries without sleeping.
 */
export class InfluxSink implements Sink {
  private readonly o: Required<Omit<InfluxSinkOptions, 'spool' | 'log' | 'token' | 'timers' | 'rejectedDir'>>;
  private readonly spool: Spool;
  private readonly rejected: RejectedStore;
  private readonly timers: SinkTimers;
  private readonly log: Logger;
  private readonly request: InfluxWriteRequest;
  private readonly schedule: FlushSchedule;
  private controller: AbortController | undefined;
  /** Set by stop(): no request may outlive it. */
  private stopDeadline: number | undefined;
  private retryMs: number;
  private maxLines: number;
  /** The batches' memory, reused while a burst or a backlog lasts (one read at a time: this loop's). */
  private readonly scratch = new BatchScratch();
  private problem: { key: string; sinceMs: number } | undefined;
  private state: SinkStatus = { reachable: true, backlogPoints: 0 };
  private readonly counters = { tooLargeAtFloor: 0, loopErrors: 0, writeErrors: 0 };

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
    this.timers = options.timers ?? systemTimers;
    this.rejected = new RejectedStore({ dir: options.rejectedDir, log: options.log, now: () => this.timers.now() });
    this.log = options.log.child({ stage: 'influx', url: options.url, org: options.org, bucket: options.bucket });
    this.request = new InfluxWriteRequest({
      url: options.url, token: options.token, timeoutMs: this.o.timeoutMs, query: { org: options.org, bucket: options.bucket, precision: 'us' },
    });
    this.retryMs = this.o.minRetryMs;
    this.maxLines = this.o.batchSize;
    this.schedule = new FlushSchedule(this.timers, () => this.round());
  }

  start(): void {
    this.schedule.start();
  }

  /** Appends to the spool and, when the sink is idle, starts sending at the end of this event-loop turn. */
  write(points: readonly Point[]): void {
    this.spool.append(points, LINE_RECORDS);
    this.schedule.wake();
  }

  status(): SinkStatus {
    const spool = this.spool.stats();
    return { ...this.state, backlogPoints: spool.pendingLines, ...(spool.storageProblem ? { storageProblem: spool.storageProblem } : {}) };
  }

  /** Counters since start (rejected batches, 413s at the floor, loop errors). */
  stats(): InfluxSinkStats {
    const r: RejectedStats = this.rejected.stats();
    return {
      rejectedLines: r.rejectedLines, rejectedFiles: r.rejectedFiles, rejectedDeletedFiles: r.deletedFiles, setAsideFailures: r.failures,
      rejectedDirFiles: r.files, rejectedDirBytes: r.bytes, ...this.counters,
    };
  }

  /** One last flush of what waits (at most `stopTimeoutMs`, then aborted), then closes the spool. */
  async stop(): Promise<void> {
    const deadline = this.timers.now() + this.o.stopTimeoutMs;
    this.stopDeadline = deadline;
    const guard = this.timers.setTimeout(() => this.controller?.abort(), this.o.stopTimeoutMs);
    try {
      const wasRunning = await this.schedule.stop();
      if (wasRunning && this.state.reachable) await this.flush(deadline);
    } catch (err) {
      this.log.error({ err }, 'final flush failed; unsent points stay in the spool');
    } finally {
      this.timers.clearTimeout(guard);
      this.request.close();
      await this.spool.close();
    }
  }

  /** One flush that never rejects: an unexpected error is logged (once until it changes) and retried with back-off. */
  private async round(): Promise<RoundOutcome> {
    try {
      return await this.flush(Infinity);
    } catch (err) {
      this.counters.loopErrors += 1;
      const message = err instanceof Error ? err.message : String(err);
      try {
        return { delayMs: this.failed(new InfluxWriteError('INFLUX_SINK_FAILED', `sending the spool failed: ${message}`, { retryable: true, cause: err })), hold: true };
      } catch {
        return { delayMs: this.o.maxRetryMs, hold: true };
      }
    }
  }

  /** Sends batches until the spool is empty or a write fails; resolves with the wait before the next round. */
  private async flush(deadline: number): Promise<RoundOutcome> {
    const done = { delayMs: this.o.flushIntervalMs, hold: false };
    while (this.timers.now() < Math.min(deadline, this.stopDeadline ?? Infinity)) {
      const limit = this.maxLines;
      const batch = await this.spool.read(limit, this.scratch);
      if (!batch) {
        // Drained: a trickle's batches are small, the burst's buffers can go.
        this.scratch.release();
        return done;
      }
      const err = await this.send(batch.body);
      if (!err) {
        await this.spool.ack(batch);
        this.recovered();
        this.maxLines = this.o.batchSize;
        // A mid-sized batch means a burst is arriving as fast as requests go:
        // gather for a moment so the next request carries more (each costs
        // ~1 ms of CPU). A trickle (small batches) and a backlog (full ones) never wait.
        if (batch.count >= BURST_MIN_LINES && batch.count < limit) return { delayMs: BURST_GAP_MS, hold: true };
        continue;
      }
      const problem = await this.handleRefusal(err, batch);
      if (problem) return { delayMs: this.failed(problem), hold: true };
    }
    return done;
  }

  /**
   * 400/422: set the batch aside and acknowledge it. 413: split it, down to
   * the floor; at the floor it is a server problem. Resolves with the problem
   * that stops this round (the batch stays in the spool), if any.
   */
  private async handleRefusal(err: InfluxWriteError, batch: SpoolBatch): Promise<InfluxWriteError | undefined> {
    if (err instanceof InfluxRejectedError) {
      try {
        await this.rejected.put(batch.lines, err.message);
      } catch (failure) {
        const f = failure as InfluxWriteError;
        return new InfluxWriteError(f.code, `${f.message}: the batch ${err.message} stays in the spool and is sent again later`, { retryable: true, cause: failure });
      }
      await this.spool.ack(batch);
      return undefined;
    }
    if (err instanceof InfluxTooLargeError) {
      if (batch.count <= SPLIT_FLOOR_LINES || batch.body.length <= SPLIT_FLOOR_BYTES) {
        this.counters.tooLargeAtFloor += 1;
        return tooLargeAtFloor(err, this.o, { lines: SPLIT_FLOOR_LINES, bytes: SPLIT_FLOOR_BYTES });
      }
      this.maxLines = Math.max(SPLIT_FLOOR_LINES, Math.floor(batch.count / 2));
      return undefined;
    }
    return err;
  }

  private async send(body: Buffer): Promise<InfluxWriteError | undefined> {
    const controller = new AbortController();
    this.controller = controller;
    const stopAt = this.stopDeadline;
    const guard = stopAt === undefined ? undefined : this.timers.setTimeout(() => controller.abort(), Math.max(0, stopAt - this.timers.now()));
    try {
      // Only big batches (a backlog) are gzipped: gzip of a small body costs a
      // thread-pool round trip and ~256 KiB of zlib state per request.
      await this.request.post(body, controller.signal);
      return undefined;
    } catch (err) {
      return classifyWriteError(err, this.o);
    } finally {
      this.timers.clearTimeout(guard);
      this.controller = undefined;
    }
  }

  private failed(err: InfluxWriteError): number {
    this.counters.writeErrors += 1;
    const key = `${err.code} ${err.status ?? ''} ${err.message}`;
    this.state = { reachable: false, backlogPoints: 0, lastError: err.message };
    if (this.problem?.key !== key) {
      const fields = { code: err.code, status: err.status, backlogPoints: this.spool.stats().pendingLines };
      if (err.retryable) this.log.warn(fields, `${err.message}; retrying with back-off`);
      else this.log.error(fields, err.message);
      this.problem = { key, sinceMs: this.problem?.sinceMs ?? this.timers.now() };
    }
    if (!err.retryable) return this.o.configRetryMs;
    const base = Math.max(this.retryMs, err.retryAfterMs ?? 0);
    this.retryMs = Math.min(this.retryMs * 2, this.o.maxRetryMs);
    return Math.min(base * (1 + 0.2 * this.o.random()), this.o.maxRetryMs * 1.2);
  }

  private recovered(): void {
    if (this.problem) {
      this.log.info({ downMs: this.timers.now() - this.problem.sinceMs, backlogPoints: this.spool.stats().pendingLines }, 'InfluxDB writes work again');
    }
    this.problem = undefined;
    this.retryMs = this.o.minRetryMs;
    this.state = { reachable: true, backlogPoints: 0 };
  }
}
