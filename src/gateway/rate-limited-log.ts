import type { Logger } from '../log.ts';

/** Lines of one kind logged per window at most; the rest are counted. */
export const DEFAULT_LINES_PER_WINDOW = 20;
/** Rate-limit window, ms (monotonic). */
export const DEFAULT_WINDOW_MS = 60_000;

/** A pending timer that can be cancelled. */
export interface Timer { cancel(): void }

/** The clock and timer of a {@link RateLimitedLog}; tests inject both. */
export interface RateLimitClock {
  /** Monotonic ms; default `performance.now()` (a wall-clock step must not stall the window). */
  now?: () => number;
  /** Runs `fn` after `ms`; default an unref'd `setTimeout`, so it never holds the process open. */
  setTimer?: (fn: () => void, ms: number) => Timer;
}

/** Options of {@link RateLimitedLog}. */
export interface RateLimitOptions extends RateLimitClock {
  /** Lines logged per window; default {@link DEFAULT_LINES_PER_WINDOW}. */
  perWindow?: number;
  /** Window length, ms; default {@link DEFAULT_WINDOW_MS}. */
  windowMs?: number;
}

/** What one {@link RateLimitedLog} writes, and at which level. */
export interface RateLimitedKind {
  /** pino level of the lines and of the summary. */
  level: 'info' | 'warn';
  /** Plural noun for the summary line: `bad broker frames` gives "37 more bad broker frames not logged ...". */
  what: string;
}

const realTimer = (fn: () => void, ms: number): Timer => {
  const handle = setTimeout(fn, ms);
  handle.unref();
  return { cancel: () => clearTimeout(handle) };
};

/**
 * One kind of repeated log line (bad frames, unknown nodes, console text)
 * that anything in radio range can provoke: at most `perWindow` lines per
 * window, then the rest are only counted, by code, and one summary line at
 * the end of the window says how many were left out (issue 10 item 9: a
 * flood once wrote 58 MB of log). The window opens at the first line after a
 * quiet spell; the summary comes from a timer, so it is written even when the
 * flood stops.
 */
export class RateLimitedLog {
  private readonly log: Logger;
  private readonly kind: RateLimitedKind;
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => Timer;
  private windowStart = -Infinity;
  private logged = 0;
  private suppressed = 0;
  private byCode: Record<string, number> = {};
  private timer: Timer | undefined;
  /** Lines left out since start (all windows). */
  suppressedTotal = 0;

  constructor(log: Logger, kind: RateLimitedKind, options: RateLimitOptions = {}) {
    this.log = log;
    this.kind = kind;
    this.perWindow = options.perWindow ?? DEFAULT_LINES_PER_WINDOW;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? realTimer;
  }

  /** Logs `msg` with `fields` (and `code`) unless this window's lines are used up; returns whether it was logged. */
  add(code: string, fields: Record<string, unknown>, msg: string): boolean {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs || now < this.windowStart) this.flush(now);
    if (this.logged < this.perWindow) {
      this.logged += 1;
      this.log[this.kind.level]({ ...fields, code }, msg);
      return true;
    }
    this.suppressed += 1;
    this.suppressedTotal += 1;
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    this.timer ??= this.setTimer(() => this.flush(), Math.max(0, this.windowStart + this.windowMs - now));
    return false;
  }

  /** Writes the summary of what was left out, if anything, and opens a new window at the next line (or at `now`). */
  flush(now = -Infinity): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.suppressed > 0) {
      const seconds = Math.round(this.windowMs / 1000);
      this.log[this.kind.level](
        { suppressed: this.suppressed, byCode: this.byCode, perWindow: this.perWindow, windowMs: this.windowMs },
        `${this.suppressed} more ${this.kind.what} not logged (at most ${this.perWindow} lines per ${seconds} s)`,
      );
    }
    this.windowStart = now;
    this.logged = 0;
    this.suppressed = 0;
    this.byCode = {};
  }
}
