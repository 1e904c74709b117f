import type { CommandTimers } from '../../src/commands/types.ts';

interface Pending { id: number; at: number; fn: () => void }

/**
 * Wall time and timers that move only when the test says: `advance(10_000)`
 * runs every timer due within those 10 s, in order, without sleeping.
 */
export class ManualClock implements CommandTimers {
  now: number;
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(startMs = Date.UTC(2025, 5, 1, 12)) {
    this.now = startMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { id: this.nextId++, at: this.now + Math.max(0, ms), fn };
    this.pending.push(entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Timers waiting. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
}
