/** One message waiting to be published. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** Messages kept at most by default; past it the oldest goes. */
export const DEFAULT_MAX_QUEUED = 5000;

/**
 * What waits to be published while the client sends: one message per topic
 * (a newer state replaces the older one still waiting, so a flood of readings
 * for one node costs one slot), oldest first, at most `maxEntries` (the
 * oldest is dropped past it and counted). Nothing waits while the broker is
 * away: the service refills the queue with the whole state on connect.
 */
export class OutgoingQueue {
  private readonly entries = new Map<string, OutgoingMessage>();
  private readonly maxEntries: number;
  /** Messages dropped because the queue was full. */
  dropped = 0;

  /** `maxEntries`: default {@link DEFAULT_MAX_QUEUED}. */
  constructor(maxEntries: number = DEFAULT_MAX_QUEUED) {
    this.maxEntries = maxEntries;
  }

  /** Queues `message`, replacing one for the same topic; returns false when that dropped the oldest. */
  put(message: OutgoingMessage): boolean {
    this.entries.delete(message.topic);
    this.entries.set(message.topic, message);
    if (this.entries.size <= this.maxEntries) return true;
    this.entries.delete(this.entries.keys().next().value!);
    this.dropped += 1;
    return false;
  }

  /** The oldest message, removed; undefined when empty. */
  take(): OutgoingMessage | undefined {
    const first = this.entries.values().next();
    if (first.done) return undefined;
    this.entries.delete(first.value.topic);
    return first.value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
