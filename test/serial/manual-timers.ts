import type { SerialTimers } from '../../src/serial/serial-timers.ts';

interface Pending {
  id: number;
  at: number;
  ms: number;
  fn: () => void;
}

/**
 * Timers that fire only when the test says so, recording every delay asked
 * for: a back-off of 250, 500, 1000 ms is checked without waiting 1.75 s.
 * Real I/O (a pty, `stat`, serialport's open) still runs between firings.
 */
export class ManualTimers implements SerialTimers {
  /** Fake time, ms since creation. */
  now = 0;
  /** The delay of every timer fired, in order. */
  readonly fired: number[] = [];
  private pending: Pending[] = [];
  private nextId = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { id: this.nextId++, at: this.now + ms, ms, fn };
    this.pending.push(entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Delays of the timers now pending, soonest first. */
  get waiting(): number[] {
    return [...this.pending].sort((a, b) => a.at - b.at).map((p) => p.ms);
  }

  /** Fires the soonest pending timer (fake time jumps to it); false when none is pending. */
  fireNext(): boolean {
    const next = [...this.pending].sort((a, b) => a.at - b.at)[0];
    if (!next) return false;
    this.pending = this.pending.filter((p) => p !== next);
    this.now = next.at;
    this.fired.push(next.ms);
    next.fn();
    return true;
  }

  /**
   * Fires timers one by one, letting real I/O settle in between, until `done()`
   * is true (checked first). Throws after `realMs` of wall time.
   */
  async runUntil(done: () => boolean, what: string, realMs = 5000): Promise<void> {
    const deadline = Date.now() + realMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (fired ${this.fired.join(', ')} ms)`);
      // Give pending I/O (open, stat, close) a moment before the next timer fires.
      await new Promise((r) => setTimeout(r, 10));
      if (!done()) this.fireNext();
    }
  }
}
