/** One message waiting to be published. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** Messages kept at most by default; past it the oldest goes. */
export const DEFAULT_MAX_QUEUED = 5000;

/**
 * What waits to be published while the client sends, oldest first. A
 * retained message is state: a newer one for its topic replaces the one still
 * waiting (a flood of readings for one node costs one slot, and the broker
 * keeps only the latest anyway). A message that is not retained is an event
 * (a command's status, a refusal, an alert): it is never replaced, each one
 * is sent. At most `maxEntries` wait; past it the oldest event is dropped
 * and counted, and state only when no event waits (more state topics than
 * the bound): a flood of events never pushes out a node's discovery or
 * availability, which are published again only when they change. Nothing
 * waits while the broker is away: the service refills the queue with the
 * whole state on connect.
 */
export class OutgoingQueue {
  /** By topic for retained messages; by a key no topic can have (MQTT forbids U+0000 in topics) for events. */
  private readonly entries = new Map<string, OutgoingMessage>();
  private readonly maxEntries: number;
  /** Events put so far: the next event's key number. */
  private events = 0;
  /** No event with a smaller key number waits (they leave in order). */
  private oldestEvent = 1;
  /** Events waiting. */
  private waitingEvents = 0;
  /** Messages dropped because the queue was full. */
  dropped = 0;
  /** Retained messages among them (the state did not fit). */
  droppedState = 0;

  /** `maxEntries`: default {@link DEFAULT_MAX_QUEUED}. */
  constructor(maxEntries: number = DEFAULT_MAX_QUEUED) {
    this.maxEntries = maxEntries;
  }

  /** Queues `message`, replacing a retained one for the same topic; returns false when that dropped another. */
  put(message: OutgoingMessage): boolean {
    if (message.retain) {
      this.entries.delete(message.topic);
      this.entries.set(message.topic, message);
    } else {
      this.events += 1;
      this.waitingEvents += 1;
      this.entries.set(eventKey(this.events), message);
    }
    if (this.entries.size <= this.maxEntries) return true;
    this.dropped += 1;
    if (this.waitingEvents > 0) {
      while (!this.entries.delete(eventKey(this.oldestEvent))) this.oldestEvent += 1;
      this.oldestEvent += 1;
      this.waitingEvents -= 1;
    } else {
      this.entries.delete(this.entries.keys().next().value!);
      this.droppedState += 1;
    }
    return false;
  }

  /** The oldest message, removed; undefined when empty. */
  take(): OutgoingMessage | undefined {
    const first = this.entries.entries().next();
    if (first.done) return undefined;
    this.entries.delete(first.value[0]);
    if (!first.value[1].retain) this.waitingEvents -= 1;
    return first.value[1];
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.waitingEvents = 0;
    this.oldestEvent = this.events + 1;
  }
}

const eventKey = (n: number): string => `\u0000${n}`;
