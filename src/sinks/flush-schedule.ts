import type { SinkTimers, TimerHandle } from './sink-timers.ts';

/** How one round of sending ended. */
export interface RoundOutcome {
  /** Longest wait before the next round, ms: the flush interval, the back-off after a failure, or a burst's gap. */
  delayMs: number;
  /** The next round waits out `delayMs`, whatever is written meanwhile: after a failure (the back-off), or after a burst's batch (a short gap). */
  hold: boolean;
}

/**
 * When a sink's rounds run; never two at once. A round starts:
 * - at {@link FlushSchedule.start} (a 0 ms timer: what the spool recovered goes at once);
 * - at the end of the event-loop turn of a {@link FlushSchedule.wake} while
 *   idle (running, no round in progress, not holding), so all the points
 *   one turn wrote go in one round (`setImmediate`, not per point);
 * - right after the round in progress, when woken during it (the round itself
 *   sends what arrived while its requests were in flight, this catches the rest);
 * - `delayMs` after the last round ended, the longest wait: the flush
 *   interval, or, when the round asked to `hold` (the back-off after a
 *   failure, a burst's gap), a wait that a wake does not cut short.
 */
export class FlushSchedule {
  private running = false;
  private inRound = false;
  /** Waiting out a `hold` (back-off or a burst's gap) until the next round starts. */
  private holding = false;
  private wakeQueued = false;
  /** Woken while a round was in progress. */
  private missed = false;
  private timer: TimerHandle | undefined;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly timers: SinkTimers,
    /** One round; must not reject. */
    private readonly round: () => Promise<RoundOutcome>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(0);
  }

  /** Points were written: a round soon, unless holding (see the class comment). */
  wake(): void {
    if (!this.running || this.holding) return;
    if (this.inRound) this.missed = true;
    else if (!this.wakeQueued) {
      this.wakeQueued = true;
      setImmediate(this.woken);
    }
  }

  /** No more rounds. Resolves with whether it was running, once the round in progress (if any) has ended. */
  async stop(): Promise<boolean> {
    const was = this.running;
    this.running = false;
    this.timers.clearTimeout(this.timer);
    await this.current;
    return was;
  }

  private readonly woken = (): void => {
    this.wakeQueued = false;
    if (!this.running || this.inRound || this.holding) return;
    this.timers.clearTimeout(this.timer);
    this.run();
  };

  private arm(delayMs: number): void {
    this.timer = this.timers.setTimeout(() => this.run(), delayMs);
  }

  private run(): void {
    this.inRound = true;
    this.holding = false;
    this.missed = false;
    this.current = this.round().then(({ delayMs, hold }) => {
      this.inRound = false;
      this.holding = hold;
      if (!this.running) return;
      this.arm(delayMs);
      if (this.missed) this.wake();
    });
  }
}
