import type { CommandTimers } from '../../commands/types.ts';

/** Builds a state topic's payload from the read model as it is now; undefined when there is nothing to publish any more (the node is gone). */
export type StateBuilder = () => string | undefined;

/** What {@link StateThrottle} needs. */
export interface StateThrottleOptions {
  /** A topic is published at most once per this many ms; > 0. */
  readonly intervalMs: number;
  readonly timers: CommandTimers;
  /** Publishes one retained state message. */
  emit(topic: string, payload: string): void;
}

/** A topic published within the last interval. */
interface Window {
  handle: unknown;
  /** Set when a change came after the last publish: the latest state goes out when the window ends. */
  build: StateBuilder | undefined;
}

/**
 * At most one message per retained state topic per interval, trailing edge:
 * the first change after a quiet interval is published at once, later changes
 * within the interval fold into one publish of the latest state when the
 * interval ends (which opens the next interval). The payload is built only
 * when it is published, never per change. One timer per topic published in
 * the last interval, so bounded by the number of state topics.
 */
export class StateThrottle {
  private readonly o: StateThrottleOptions;
  private readonly windows = new Map<string, Window>();

  constructor(options: StateThrottleOptions) {
    this.o = options;
  }

  /** `topic` changed; `build` makes its payload when it is published (now, or when the topic's interval ends). */
  offer(topic: string, build: StateBuilder): void {
    const open = this.windows.get(topic);
    if (open !== undefined) {
      open.build = build;
      return;
    }
    const window: Window = { handle: undefined, build: undefined };
    this.windows.set(topic, window);
    this.publish(topic, window, build);
  }

  /** Publishes every folded change now and forgets every interval (stop). */
  flush(): void {
    const pending = [...this.windows];
    this.clear();
    for (const [topic, window] of pending) {
      if (window.build === undefined) continue;
      const payload = window.build();
      if (payload !== undefined) this.o.emit(topic, payload);
    }
  }

  /** Forgets every interval and folded change, publishing nothing (a reconnect publishes the whole state anyway). */
  clear(): void {
    for (const window of this.windows.values()) this.o.timers.clearTimeout(window.handle);
    this.windows.clear();
  }

  private publish(topic: string, window: Window, build: StateBuilder): void {
    window.build = undefined;
    window.handle = this.o.timers.setTimeout(() => this.end(topic, window), this.o.intervalMs);
    const payload = build();
    if (payload !== undefined) this.o.emit(topic, payload);
  }

  /** The topic's interval is over: publish what came in it (and open another), or close. */
  private end(topic: string, window: Window): void {
    if (this.windows.get(topic) !== window) return;
    if (window.build === undefined) this.windows.delete(topic);
    else this.publish(topic, window, window.build);
  }
}
