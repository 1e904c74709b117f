import type { ServerResponse } from 'node:http';
import type { EventBus } from '../../bus/event-bus.ts';
import type { ReadingEvent } from '../../bus/events.ts';
import type { Logger } from '../../log.ts';
import { commandToApi, readingToApi } from './api-views.ts';
import { NO_ROOM, writeJson } from './json-bytes.ts';
import { writeReadingJson } from './reading-json.ts';
import type { NodeReader } from './http-api-deps.ts';

/** Bytes a slow event-stream client may have waiting before it is disconnected. */
export const DEFAULT_SSE_MAX_QUEUE_BYTES = 256 * 1024;
/** Heartbeat comment period, ms: keeps proxies and NAT from closing an idle stream. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Shortest time between two rounds of `node` events, ms (see {@link SseHub}). */
export const DEFAULT_NODE_EVENT_MS = 100;
/** Shortest time between two writes to the streams, ms (see {@link SseHub}). */
export const DEFAULT_WRITE_GAP_MS = 10;
/**
 * What waits is written early, whatever the gap, once it is this long,
 * bytes, or a quarter of `maxQueueBytes` if that is less: one socket write
 * stays moderate, and a client that keeps up is never near the bound. It is
 * also the size of the buffer events are encoded into as they come.
 */
const MAX_BATCH_BYTES = 64 * 1024;

/** Options of {@link SseHub}. */
export interface SseHubOptions {
  bus: EventBus;
  nodes: NodeReader;
  log: Logger;
  /** Default {@link DEFAULT_SSE_MAX_QUEUE_BYTES}. */
  maxQueueBytes?: number;
  /** Default {@link DEFAULT_HEARTBEAT_MS}. */
  heartbeatMs?: number;
  /** Default {@link DEFAULT_NODE_EVENT_MS}. */
  nodeEventMs?: number;
  /** Default {@link DEFAULT_WRITE_GAP_MS}. */
  writeGapMs?: number;
}

/** `event: <name>\ndata: ` of each event the hub sends, encoded once (JSON never holds a raw newline, so each event is one `data:` line). */
const EVENT_HEADS: Readonly<Record<string, Buffer>> = Object.fromEntries(['reading', 'node', 'command', 'sink'].map((name) => [name, Buffer.from(`event: ${name}\ndata: `)]));
const EVENT_END = Buffer.from('\n\n');
const EMPTY = Buffer.alloc(0);
/** Writes `value`'s JSON at `buf[at]`: its end, or NO_ROOM / NOT_PLAIN (json-bytes.ts). */
type JsonWriter<T> = (value: T, buf: Buffer, at: number) => number;
/** Written stage buffers kept for reuse (64 KiB each). */
const SPARE_STAGES = 2;

/**
 * The event streams of `GET /api/events`: each bus event is serialised once
 * (`reading`, `node`, `command`, `sink`) and appended to what waits; what
 * waits goes to every client in one write, in the order it happened, at the
 * end of the event-loop turn, or `writeGapMs` after the previous write if
 * that was more recent (a burst of readings costs one socket write per
 * client every `writeGapMs`, not one per event or per serial read).
 *
 * Every `reading`, `command` and `sink` event is sent. A `node` event is a
 * snapshot of the node's whole state, so only the latest matters: a node
 * change with no `node` event in the last `nodeEventMs` goes out at once,
 * and the nodes that change within that window get one event each at its
 * end, with their state then (a burst of 50,000 readings/s from 100 nodes
 * sends at most 1,000 node events/s, not 50,000).
 *
 * A client's queue is its socket's write buffer: a client with more than
 * `maxQueueBytes` waiting after a write has fallen behind and is
 * disconnected, and what waits is written early once it passes a quarter of
 * the bound, so memory stays bounded whatever a client or a burst does. A
 * comment every `heartbeatMs`.
 */
export class SseHub {
  private readonly o: SseHubOptions;
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  /**
   * Events serialised and not yet written, encoded as they come into
   * `stage[0, staged)` (an event is JSON-stringified once and its bytes
   * copied once, not joined into one long string first). At the write the
   * buffer itself goes to the sockets and another one takes its place; it
   * comes back to {@link spare} once every socket has taken its bytes. (A
   * new Buffer per write, 11 MB/s in a burst, lived until a slow client took
   * it, was promoted and waited for a full GC to be freed.)
   */
  private stage: Buffer = Buffer.allocUnsafe(MAX_BATCH_BYTES);
  /** Buffers whose writes are done, for the next batches; at most {@link SPARE_STAGES}. */
  private readonly spare: Buffer[] = [];
  private staged = 0;
  /** Bytes the current batch may reach before it is written early. */
  private room = 0;
  /** The write of what waits, when scheduled: at the turn's end, or after the write gap. */
  private flushing: { immediate?: NodeJS.Immediate; timeout?: NodeJS.Timeout } | undefined;
  /** performance.now() of the last write, ms. */
  private wroteAtMs = -Infinity;
  /** Nodes changed since the current window of node events opened; each gets its event when it closes. */
  private readonly nodesDue = new Set<string>();
  /** Open while node events were sent less than `nodeEventMs` ago. */
  private nodeWindow: NodeJS.Timeout | undefined;
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
    const { bus } = this.o;
    this.unsubscribe.push(
      // One per frame: no closure made for it, and no view while nobody listens.
      bus.on('reading', (e) => { if (this.clients.size > 0) this.sendReading(e); }),
      bus.on('nodeChanged', (e) => this.nodeChanged(e.mac)),
      bus.on('commandChanged', (e) => this.send('command', () => commandToApi(e))),
      bus.on('sinkStatus', (e) => this.send('sink', () => e)),
    );
    this.heartbeat = setInterval(() => this.append(undefined, ': heartbeat\n\n', true), this.o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Writes what waits, ends every stream (clients see the end at once) and stops listening to the bus. */
  stop(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe.splice(0)) off();
    clearTimeout(this.nodeWindow);
    this.sendDueNodes();
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

  /** A node changed: its event now if no window is open (which opens one), else at the window's end. */
  private nodeChanged(mac: string): void {
    if (this.clients.size === 0) return;
    if (this.nodeWindow !== undefined) {
      this.nodesDue.add(mac);
      return;
    }
    this.send('node', () => this.o.nodes.get(mac));
    this.openNodeWindow();
  }

  private openNodeWindow(): void {
    this.nodeWindow = setTimeout(() => {
      this.nodeWindow = undefined;
      if (this.sendDueNodes()) this.openNodeWindow();
    }, this.o.nodeEventMs ?? DEFAULT_NODE_EVENT_MS);
    this.nodeWindow.unref();
  }

  /** Sends one `node` event per node changed in the window, with its state now; false if there was none. */
  private sendDueNodes(): boolean {
    if (this.nodesDue.size === 0) return false;
    for (const mac of this.nodesDue) this.send('node', () => this.o.nodes.get(mac));
    this.nodesDue.clear();
    return true;
  }

  private send(event: 'reading' | 'node' | 'command' | 'sink', data: () => unknown): void {
    if (this.clients.size === 0) return;
    this.sendNow(event, data());
  }

  private sendNow(event: 'reading' | 'node' | 'command' | 'sink', payload: unknown): void {
    if (payload === undefined) return;
    const head = EVENT_HEADS[event];
    if (!this.appendJson(head, payload, writeJson)) this.append(head, JSON.stringify(payload), false);
  }

  /** One `reading` event (one per frame): written by its own writer, no copy of the event with its MAC formatted. */
  private sendReading(reading: ReadingEvent): void {
    const head = EVENT_HEADS.reading;
    if (!this.appendJson(head, reading, writeReadingJson)) this.append(head, JSON.stringify(readingToApi(reading)), false);
  }

  /**
   * Queues one event with its JSON written straight into the stage by
   * `write` (json-bytes.ts, reading-json.ts); false, with nothing queued,
   * when it is not plain data or does not fit even in an empty stage (the
   * caller then stringifies it).
   */
  private appendJson<T>(head: Buffer, payload: T, write: JsonWriter<T>): boolean {
    if (this.staged === 0) this.openBatch();
    let end = this.writeEvent(head, payload, write);
    if (end === NO_ROOM && this.staged > 0) {
      this.flush();
      this.openBatch();
      end = this.writeEvent(head, payload, write);
    }
    if (end < 0) return false;
    this.stage.set(head, this.staged);
    this.stage.set(EVENT_END, end);
    this.staged = end + EVENT_END.length;
    this.queued(false);
    return true;
  }

  /** Writes the event's JSON after `staged` and its head's room; its end, or NO_ROOM / NOT_PLAIN. */
  private writeEvent<T>(head: Buffer, payload: T, write: JsonWriter<T>): number {
    const at = this.staged + head.length;
    if (at > this.stage.length) return NO_ROOM;
    const end = write(payload, this.stage, at);
    return end >= 0 && end + EVENT_END.length > this.stage.length ? NO_ROOM : end;
  }

  /** A new batch: sockets only drain between writes, so the fullest one at a batch's start bounds the whole batch. */
  private openBatch(): void {
    const max = this.o.maxQueueBytes ?? DEFAULT_SSE_MAX_QUEUE_BYTES;
    this.room = Math.min(MAX_BATCH_BYTES, max / 4, max - this.mostWaiting());
  }

  /** After an event was staged: written at once when `now` or past the batch's room, else at the scheduled write. */
  private queued(now: boolean): void {
    if (now || this.staged > this.room) {
      this.flush();
    } else {
      this.flushing ??= this.scheduleFlush();
    }
  }

  /**
   * Queues one event, `head` (`event: ...\ndata: `, none for a comment),
   * then `text`, then a blank line, for the next write. Writes at once when
   * `now`, when what waits passes {@link MAX_BATCH_BYTES} (or a quarter of
   * the bound), or when it would take the fullest client's socket past the
   * bound (that client is then disconnected: the bound counts what waits
   * too).
   */
  private append(head: Buffer | undefined, text: string, now: boolean): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = (head?.length ?? 0) + 3 * text.length + EVENT_END.length;
    if (this.staged + most > this.stage.length) this.flush();
    if (this.staged === 0) this.openBatch();
    if (most > this.stage.length) {
      // Longer than a whole batch (a node with very many channels): written on its own.
      this.writeAll(Buffer.concat([head ?? EMPTY, Buffer.from(text), head ? EVENT_END : EMPTY]));
      return;
    }
    if (head) this.staged += head.copy(this.stage, this.staged);
    this.staged += this.stage.write(text, this.staged);
    if (head) this.staged += EVENT_END.copy(this.stage, this.staged);
    this.queued(now);
  }

  private scheduleFlush(): NonNullable<SseHub['flushing']> {
    const waitMs = this.wroteAtMs + (this.o.writeGapMs ?? DEFAULT_WRITE_GAP_MS) - performance.now();
    return waitMs > 0 ? { timeout: setTimeout(() => this.flush(), waitMs) } : { immediate: setImmediate(() => this.flush()) };
  }

  private mostWaiting(): number {
    let most = 0;
    for (const res of this.clients) most = Math.max(most, res.writableLength);
    return most;
  }

  /** Writes what waits to every client in one write each. */
  private flush(): void {
    clearImmediate(this.flushing?.immediate);
    clearTimeout(this.flushing?.timeout);
    this.flushing = undefined;
    if (this.staged === 0) return;
    const written = this.stage;
    const frames = written.subarray(0, this.staged);
    this.stage = this.spare.pop() ?? Buffer.allocUnsafe(MAX_BATCH_BYTES);
    this.staged = 0;
    this.writeAll(frames, () => {
      if (this.spare.length < SPARE_STAGES) this.spare.push(written);
    });
  }

  /** Writes `frames` to every client; disconnects a client whose socket then holds more than the bound. */
  private writeAll(frames: Buffer, done?: () => void): void {
    this.wroteAtMs = performance.now();
    const max = this.o.maxQueueBytes ?? DEFAULT_SSE_MAX_QUEUE_BYTES;
    // `done` runs once every write's callback has (with an error too: a destroyed socket calls back), and this loop is over.
    let writing = 1;
    const release = done && ((): void => {
      writing -= 1;
      if (writing === 0) done();
    });
    for (const res of this.clients) {
      if (res.destroyed || res.writableEnded) continue;
      if (release) {
        writing += 1;
        res.write(frames, release);
      } else {
        res.write(frames);
      }
      if (res.writableLength > max) {
        this.dropped += 1;
        this.o.log.info({ remote: res.socket?.remoteAddress, waitingBytes: res.writableLength, clients: this.clients.size - 1 },
          'event stream client fell behind; disconnected (it reconnects and starts from the current state)');
        this.clients.delete(res);
        res.destroy();
      }
    }
    release?.();
  }
}
