import type { CommandTimers } from '../../commands/types.ts';

/** What {@link StateThrottle} needs. */
export interface StateThrottleOptions {
  /** A key's work runs at most once per this many ms; > 0. */
  readonly intervalMs: number;
  readonly timers: CommandTimers;
}

/** A key whose work ran within the last interval. */
interface Window {
  handle: unknown;
  /** Set when a change came after the last run: the latest work runs when the window ends. */
  run: (() => void) | undefined;
}

/**
 * At most one run per key (a node's MQTT topics) per interval, trailing
 * edge: the first change after a quiet interval runs at once, later changes
 * within the interval fold into one run of the latest when the interval
 * ends (which opens the next interval). The work (building a node's view and
 * payloads) is done only when it runs, never per change. One timer per key
 * that ran in the last interval, so bounded by the number of keys.
 */
export class StateThrottle {
  private readonly o: StateThrottleOptions;
  private readonly windows = new Map<string, Window>();

  constructor(options: StateThrottleOptions) {
    this.o = options;
  }

  /** `key` changed; `run` does its work, now or when the key's interval ends. */
  offer(key: string, run: () => void): void {
    const open = this.windows.get(key);
    if (open !== undefined) {
      open.run = run;
      return;
    }
    const window: Window = { handle: undefined, run: undefined };
    this.windows.set(key, window);
    this.start(key, window, run);
  }

  /** Runs every folded change now and forgets every interval (stop). */
  flush(): void {
    const pending = [...this.windows.values()];
    this.clear();
    for (const window of pending) window.run?.();
  }

  /** Forgets every interval and folded change, running nothing (a reconnect publishes the whole state anyway). */
  clear(): void {
    for (const window of this.windows.values()) this.o.timers.clearTimeout(window.handle);
    this.windows.clear();
  }

  private start(key: string, window: Window, run: () => void): void {
    window.run = undefined;
    window.handle = this.o.timers.setTimeout(() => this.end(key, window), this.o.intervalMs);
    run();
  }

  /** The key's interval is over: run what came in it (and open another), or close. */
  private end(key: string, window: Window): void {
    if (this.windows.get(key) !== window) return;
    if (window.run === undefined) this.windows.delete(key);
    else this.start(key, window, window.run);
  }
}
