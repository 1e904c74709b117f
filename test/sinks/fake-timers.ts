import type { SinkTimers, TimerHandle } from '../../src/sinks/sink-timers.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Pending { at: number; seq: number; fn: () => void }

/**
 * A manual clock for {@link SinkTimers}: time stands still until the test
 * fires the next timer, so a sink's back-off of minutes runs in milliseconds
 * while its HTTP requests and files stay real. Records every delay asked for.
 */
export class FakeTimers implements SinkTimers {
  /** Delays passed to `setTimeout`, ms, in order. */
  readonly delays: number[] = [];
  private nowMs: number;
  private seq = 0;
  private readonly timers = new Map<number, Pending>();

  constructor(startMs = Date.UTC(2025, 0, 2, 12)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.nowMs + Math.max(0, ms), seq: id, fn });
    this.delays.push(ms);
    return id;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time to the earliest timer and runs it; resolves with how far time moved, ms. */
  fireNext(): number {
    const next = [...this.timers.values()].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (!next) throw new Error('FakeTimers: no timer to fire');
    this.timers.delete(next.seq);
    const moved = next.at - this.nowMs;
    this.nowMs = next.at;
    next.fn();
    return moved;
  }

  /**
   * One round of a sink's loop: fires its timer, then waits (real time, for
   * the real I/O) until the round has ended and the next one is scheduled.
   * Resolves with the delay that had been scheduled for this round, ms.
   */
  async round(): Promise<number> {
    const moved = this.fireNext();
    await waitFor(() => this.pending > 0, 10_000, 'the sink schedules its next round', 5);
    return moved;
  }
}
