import type { Logger } from '../log.ts';

/** Console lines logged per window at most; the rest are counted. */
export const DEFAULT_CONSOLE_LINES_PER_WINDOW = 20;
/** Rate-limit window, ms. */
export const DEFAULT_CONSOLE_WINDOW_MS = 60_000;

/**
 * Broker console text (REPL banner, print output, tracebacks, lines with a bad
 * CRC): shares the UART with the frames, so it is logged for the person
 * debugging the broker, at most 20 lines a minute, with a count of the rest.
 */
export class ConsoleText {
  private readonly log: Logger;
  private readonly now: () => number;
  private windowStart = -Infinity;
  private inWindow = 0;
  private suppressed = 0;

  constructor(log: Logger, now: () => number, private readonly perWindow = DEFAULT_CONSOLE_LINES_PER_WINDOW, private readonly windowMs = DEFAULT_CONSOLE_WINDOW_MS) {
    this.log = log;
    this.now = now;
  }

  /** Logs (or counts) one line that was not a frame. */
  add(line: string, reason: { code: string; message: string }): void {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.log.info({ suppressed: this.suppressed }, 'broker console lines not logged (rate limit)');
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (this.inWindow >= this.perWindow) {
      this.suppressed += 1;
      return;
    }
    this.inWindow += 1;
    this.log.info({ code: reason.code, text: line.slice(0, 200) }, 'broker console');
  }
}
