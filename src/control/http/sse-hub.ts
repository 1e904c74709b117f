import type { ServerResponse } from 'node:http';
import type { EventBus } from '../../bus/event-bus.ts';
import type { Logger } from '../../log.ts';
import { commandToApi, readingToApi } from './api-views.ts';
import type { NodeReader } from './http-api-deps.ts';

/** Bytes a slow event-stream client may have waiting before it is disconnected. */
export const DEFAULT_SSE_MAX_QUEUE_BYTES = 256 * 1024;
/** Heartbeat comment period, ms: keeps proxies and NAT from closing an idle stream. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Options of {@link SseHub}. */
export interface SseHubOptions {
  bus: EventBus;
  nodes: NodeReader;
  log: Logger;
  /** Default {@link DEFAULT_SSE_MAX_QUEUE_BYTES}. */
  maxQueueBytes?: number;
  /** Default {@link DEFAULT_HEARTBEAT_MS}. */
  heartbeatMs?: number;
}

/** Formats one server-sent event (JSON never holds a raw newline, so one `data:` line). Pure. */
export const sseFrame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The event streams of `GET /api/events`: each bus event is serialised once
 * (`reading`, `node`, `command`, `sink`) and appended to what waits for this
 * event-loop turn; the turn's events go to every client in one write, in the
 * order they happened (a burst of readings costs one socket write per client
 * per turn, not one per event). A client's queue is its socket's write
 * buffer: a client with more than `maxQueueBytes` waiting after a write has
 * fallen behind and is disconnected, and what waits for a turn is written
 * early once it alone passes the bound, so memory stays bounded whatever a
 * client or a burst does. A comment every `heartbeatMs`.
 */
export class SseHub {
  private readonly o: SseHubOptions;
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  /** This turn's events, serialised, not yet written. */
  private pending = '';
  /** Characters the current batch may reach before it is written early. */
  private room = 0;
  private flushing: NodeJS.Immediate | undefined;
  /** Clients disconnected for falling behind, since start. */
  dropped = 0;

  constructor(options: SseHubOptions) {
    this.o = options;
  }

  /** Open streams. */
  get size(): number {
    return this.clients.size;
  }

  start(): void {
    const { bus, nodes } = this.o;
    this.unsubscribe.push(
      bus.on('reading', (e) => this.send('reading', () => readingToApi(e))),
      bus.on('nodeChanged', (e) => this.send('node', () => nodes.get(e.mac))),
      bus.on('commandChanged', (e) => this.send('command', () => commandToApi(e))),
      bus.on('sinkStatus', (e) => this.send('sink', () => e)),
    );
    this.heartbeat = setInterval(() => this.append(': heartbeat\n\n', true), this.o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Writes what waits, ends every stream (clients see the end at once) and stops listening to the bus. */
  stop(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe.splice(0)) off();
    this.flush();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  /** Takes over a response: writes the stream's head and keeps it until the client leaves or {@link stop}. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    // Events of this turn so far happened before the client came: the others get them, it does not.
    this.flush();
    res.write('retry: 3000\n: connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private send(event: string, data: () => unknown): void {
    if (this.clients.size === 0) return;
    const payload = data();
    if (payload !== undefined) this.append(sseFrame(event, payload), false);
  }

  /**
   * Queues `frame` for this turn's write. Writes at once when `now`, or when
   * what waits would take the fullest client's socket past the bound (that
   * client is then disconnected: the bound counts what waits too).
   */
  private append(frame: string, now: boolean): void {
    // Sockets only drain between writes: the fullest one at a batch's start bounds the whole batch.
    if (this.pending === '') this.room = (this.o.maxQueueBytes ?? DEFAULT_SSE_MAX_QUEUE_BYTES) - this.mostWaiting();
    this.pending += frame;
    if (now || this.pending.length > this.room) {
      this.flush();
    } else {
      this.flushing ??= setImmediate(() => this.flush());
    }
  }

  private mostWaiting(): number {
    let most = 0;
    for (const res of this.clients) most = Math.max(most, res.writableLength);
    return most;
  }

  /** Writes what waits to every client in one write each; disconnects a client whose socket then holds more than the bound. */
  private flush(): void {
    clearImmediate(this.flushing);
    this.flushing = undefined;
    const frames = this.pending;
    if (frames === '') return;
    this.pending = '';
    const max = this.o.maxQueueBytes ?? DEFAULT_SSE_MAX_QUEUE_BYTES;
    for (const res of this.clients) {
      if (res.destroyed || res.writableEnded) continue;
      res.write(frames);
      if (res.writableLength > max) {
        this.dropped += 1;
        this.o.log.info({ remote: res.socket?.remoteAddress, waitingBytes: res.writableLength, clients: this.clients.size - 1 },
          'event stream client fell behind; disconnected (it reconnects and starts from the current state)');
        this.clients.delete(res);
        res.destroy();
      }
    }
  }
}
