// Defaults, options and counters of InfluxSink (influx-sink.ts), which re-exports them.
import type { Logger } from '../log.ts';
import type { Spool } from '../spool/spool.ts';
import type { SinkTimers } from './sink-timers.ts';

/** Default longest wait between rounds of sending the spool, ms (a write to an idle sink does not wait for it). */
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
/**
 * A 413 splits a batch in halves, but never below this many lines: a batch
 * this small cannot honestly be too large for InfluxDB (its body limit is tens
 * of MB), so a 413 for it is a server (proxy) problem, see {@link SPLIT_FLOOR_BYTES}.
 */
export const SPLIT_FLOOR_LINES = 100;
/** A 413 for a request body of at most this many bytes (64 KiB) is a server problem too. */
export const SPLIT_FLOOR_BYTES = 64 * 1024;

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
  /** Where batches refused for good (400/422) are set aside, e.g. `<dataDir>/rejected`; bounded, see rejected-store.ts. */
  rejectedDir: string;
  log: Logger;
  /**
   * Longest wait between rounds of sending, ms: a write to an idle sink is sent
   * at the end of its event-loop turn, see {@link InfluxSink}. Default {@link DEFAULT_FLUSH_INTERVAL_MS}.
   */
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
  /** Time and timers of the flush loop, retries and stop bound; default {@link systemTimers}. */
  timers?: SinkTimers;
}

/** Counters of {@link InfluxSink} since start, for `doctor`, the API and tests. */
export interface InfluxSinkStats {
  /** Lines and files set aside in `rejected/` (400/422). */
  rejectedLines: number;
  rejectedFiles: number;
  /** Old files deleted to keep `rejected/` within its bounds. */
  rejectedDeletedFiles: number;
  /** Rejected batches that could not be set aside (kept in the spool, retried). */
  setAsideFailures: number;
  /** What `rejected/` holds now. */
  rejectedDirFiles: number;
  rejectedDirBytes: number;
  /** 413 answers to batches at or below the split floor (kept in the spool, retried). */
  tooLargeAtFloor: number;
  /** Unexpected errors in the send loop (logged, retried). */
  loopErrors: number;
  /** Write requests that failed (server errors, network, timeouts, wrong credentials), since start. */
  writeErrors: number;
}
