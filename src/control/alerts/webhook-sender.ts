import type { CommandTimers } from '../../commands/types.ts';
import { sendRequest } from '../../http-request.ts';
import type { Logger } from '../../log.ts';
import type { WebhookConfig } from './alerts-config.ts';

/** First retry of a webhook delivery, ms; doubles per attempt. */
export const WEBHOOK_FIRST_RETRY_MS = 1000;
/** Longest wait between attempts, ms. */
export const WEBHOOK_MAX_RETRY_MS = 60_000;

/** Wait before attempt `attempt + 1` after `attempt` failed ones (1 s, 2 s, 4 s, ... 60 s), ms. */
export const webhookRetryMs = (attempt: number): number => Math.min(WEBHOOK_MAX_RETRY_MS, WEBHOOK_FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));

/** What happened to deliveries since start. */
export interface WebhookCounters {
  readonly delivered: number;
  /** Gave up after `maxAttempts`, or the server refused for good (4xx other than 408 and 429). */
  readonly failed: number;
  /** Dropped from a full queue, oldest first. */
  readonly dropped: number;
  /** Waiting or in flight. */
  readonly queued: number;
}

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  readonly config: WebhookConfig;
  readonly log: Logger;
  /** Default Node's timers; tests pass ones that do not wait. */
  readonly timers?: CommandTimers;
}

const nodeTimers: CommandTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
const retryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/**
 * POSTs JSON bodies to the webhook one at a time, in order, each retried
 * with back-off ({@link webhookRetryMs}) up to `maxAttempts`. `send()`
 * never waits and never throws: the queue is bounded and drops its oldest
 * body when full, so a dead receiver cannot hold up the pipeline.
 */
export class WebhookSender {
  private readonly o: WebhookSenderOptions;
  private readonly queue: string[] = [];
  private attempt = 0;
  private busy = false;
  private stopped = false;
  private retry: unknown;
  private abort: AbortController | undefined;
  private counts = { delivered: 0, failed: 0, dropped: 0 };

  constructor(options: WebhookSenderOptions) {
    this.o = options;
  }

  /** Queues one body (serialised to JSON). */
  send(body: object): void {
    if (this.stopped) return;
    if (this.queue.length >= this.o.config.queueSize) {
      this.queue.shift();
      if (this.busy) this.attempt = 0;
      this.counts.dropped += 1;
      this.o.log.warn({ dropped: this.counts.dropped, queueSize: this.o.config.queueSize }, 'webhook queue full: oldest alert dropped');
    }
    this.queue.push(JSON.stringify(body));
    if (!this.busy) this.next();
  }

  counters(): WebhookCounters {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Cancels the retry timer and the request in flight; what is queued is dropped. */
  stop(): void {
    this.stopped = true;
    (this.o.timers ?? nodeTimers).clearTimeout(this.retry);
    this.abort?.abort();
    this.queue.length = 0;
  }

  private next(): void {
    const body = this.queue[0];
    if (body === undefined || this.stopped) {
      this.busy = false;
      return;
    }
    this.busy = true;
    void this.post(body).then((outcome) => this.settle(body, outcome));
  }

  private settle(body: string, outcome: 'ok' | 'retry' | 'refused'): void {
    if (this.stopped) return;
    if (this.queue[0] === body) {
      this.attempt += 1;
      const giveUp = outcome === 'refused' || this.attempt >= this.o.config.maxAttempts;
      if (outcome === 'retry' && !giveUp) {
        this.retry = (this.o.timers ?? nodeTimers).setTimeout(() => this.next(), webhookRetryMs(this.attempt));
        return;
      }
      this.queue.shift();
      if (outcome === 'ok') this.counts.delivered += 1;
      else {
        this.counts.failed += 1;
        this.o.log.warn({ url: this.o.config.url, attempts: this.attempt }, `webhook gave up on an alert after ${this.attempt} attempt(s)`);
      }
    }
    this.attempt = 0;
    this.next();
  }

  private async post(body: string): Promise<'ok' | 'retry' | 'refused'> {
    this.abort = new AbortController();
    try {
      const res = await sendRequest(this.o.config.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: this.o.config.timeoutMs, signal: this.abort.signal, discardBody: true,
      });
      if (res.status >= 200 && res.status < 300) return 'ok';
      this.o.log.debug({ url: this.o.config.url, status: res.status, attempt: this.attempt + 1 }, 'webhook refused an alert');
      return retryable(res.status) ? 'retry' : 'refused';
    } catch (err) {
      this.o.log.debug({ err, url: this.o.config.url, attempt: this.attempt + 1 }, 'webhook unreachable');
      return 'retry';
    }
  }
}
