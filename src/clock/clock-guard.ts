import { silentLogger, type Logger } from '../log.ts';
import type { WallClock } from './wall-clock.ts';

/** Earliest wall time believed without NTP: 2025-01-01T00:00:00Z, in ms. */
export const DEFAULT_MIN_PLAUSIBLE_WALL_MS = Date.UTC(2025, 0, 1);
/** Default of {@link ClockGuardOptions.maxHeld}. */
export const DEFAULT_MAX_HELD = 50_000;
/** Default of {@link ClockGuardOptions.jumpToleranceMs}. */
export const DEFAULT_JUMP_TOLERANCE_MS = 2_000;
/** Default of the interval {@link ClockGuard.start} re-checks the clock at, in ms. */
export const DEFAULT_CHECK_INTERVAL_MS = 5_000;

/** Options of {@link ClockGuard}. */
export interface ClockGuardOptions<T> {
  /** Wall, monotonic and sync state; `systemClock()` in production. */
  clock: WallClock;
  /**
   * Hold items until the clock is synced (config `clock.requireSync`). Default
   * true. When false the wall clock is trusted as soon as it reads later than
   * `minPlausibleWallMs`.
   */
  requireSync?: boolean;
  /** Receives each item with its wall time in ms, in the order they were submitted. */
  release: (item: T, wallMs: number) => void;
  /** Items held while the clock is untrusted; past it the oldest are dropped. Default 50000. */
  maxHeld?: number;
  /** A change of (wall - monotonic) larger than this, in ms, is a clock jump. Default 2000. */
  jumpToleranceMs?: number;
  /** Wall times before this (ms since epoch) are never trusted. Default 2025-01-01. */
  minPlausibleWallMs?: number;
  /** Child logger `{ stage: 'clock' }` is taken from it. Default silent. */
  log?: Logger;
}

/** What {@link ClockGuard.status} reports, for the display and `doctor`. */
export interface ClockStatus {
  /** True while readings get wall timestamps straight away. */
  trusted: boolean;
  /** Items waiting for a trusted clock. */
  held: number;
  /** Items dropped because more than `maxHeld` waited. */
  dropped: number;
  /** Clock jumps seen since start. */
  jumps: number;
  /** Size of the latest jump in ms (positive: the clock went forward). */
  lastJumpMs?: number;
}

interface Held<T> { readonly item: T; readonly monoMs: number }

/**
 * Keeps readings from being stored with a wrong time. A Pi Zero has no RTC:
 * until NTP has synced, its wall clock may be hours or years off. Each item is
 * stamped with monotonic time when submitted; while the wall clock is
 * untrusted, items are held; once it is trusted, each gets
 * `wall = monoAtReading + (wallAtSync - monoAtSync)` and is released in order.
 *
 * The offset `wall - monotonic` is re-read on every call; when it moves by
 * more than `jumpToleranceMs` (someone ran `date`, NTP stepped the clock) the
 * jump is counted and logged, and times follow the new offset: after a sync
 * the system clock is the authority, and monotonic time has no opinion.
 */
export class ClockGuard<T> {
  private readonly options: Required<Omit<ClockGuardOptions<T>, 'log'>>;
  private readonly log: Logger;
  private readonly queue: Held<T>[] = [];
  private offsetMs: number | undefined;
  private trustedFlag = false;
  private counters = { dropped: 0, jumps: 0, lastJumpMs: undefined as number | undefined };
  private timer: NodeJS.Timeout | undefined;

  constructor(options: ClockGuardOptions<T>) {
    this.options = {
      requireSync: true,
      maxHeld: DEFAULT_MAX_HELD,
      jumpToleranceMs: DEFAULT_JUMP_TOLERANCE_MS,
      minPlausibleWallMs: DEFAULT_MIN_PLAUSIBLE_WALL_MS,
      ...options,
    };
    this.log = (options.log ?? silentLogger).child({ stage: 'clock' });
  }

  /** Stamps `item` now and releases it, or holds it until the clock is trusted. */
  submit(item: T): void {
    const monoMs = this.options.clock.monotonic();
    this.check();
    if (this.trustedFlag && this.queue.length === 0) {
      this.options.release(item, monoMs + (this.offsetMs ?? 0));
      return;
    }
    this.queue.push({ item, monoMs });
    if (this.queue.length > this.options.maxHeld) {
      this.queue.shift();
      this.counters.dropped += 1;
      if (this.counters.dropped === 1 || this.counters.dropped % 1000 === 0) {
        this.log.warn({ dropped: this.counters.dropped, maxHeld: this.options.maxHeld }, 'clock not synced: oldest held readings dropped');
      }
    }
  }

  /**
   * Wall time in ms for a monotonic time (default: now) when the clock is
   * trusted, else `undefined`. For timestamps the caller keeps itself.
   */
  wallMs(monoMs: number = this.options.clock.monotonic()): number | undefined {
    this.check();
    return this.trustedFlag && this.offsetMs !== undefined ? monoMs + this.offsetMs : undefined;
  }

  /** Re-reads the clock: detects jumps, and releases held items once trusted. */
  check(): void {
    const { clock } = this.options;
    const mono = clock.monotonic();
    const wall = clock.now();
    const offset = wall - mono;
    if (this.offsetMs !== undefined && Math.abs(offset - this.offsetMs) > this.options.jumpToleranceMs) {
      this.onJump(offset - this.offsetMs, wall);
    }
    this.offsetMs = offset;
    const trusted = wall >= this.options.minPlausibleWallMs && (!this.options.requireSync || clock.isSynced());
    if (trusted && !this.trustedFlag) {
      this.log.info({ held: this.queue.length, wall: new Date(wall).toISOString() }, 'clock trusted: releasing held readings');
    } else if (!trusted && this.trustedFlag) {
      this.log.warn({ wall: new Date(wall).toISOString() }, 'clock no longer trusted: holding readings');
    }
    this.trustedFlag = trusted;
    if (trusted) this.flush(offset);
  }

  /** Re-checks every `intervalMs` (default 5000) so held items leave without new ones arriving. */
  start(intervalMs = DEFAULT_CHECK_INTERVAL_MS): void {
    this.stop();
    this.check();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** Stops the periodic check; held items stay held. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Current state, for the display and `doctor`. */
  get status(): ClockStatus {
    return {
      trusted: this.trustedFlag,
      held: this.queue.length,
      dropped: this.counters.dropped,
      jumps: this.counters.jumps,
      ...(this.counters.lastJumpMs === undefined ? {} : { lastJumpMs: this.counters.lastJumpMs }),
    };
  }

  private onJump(deltaMs: number, wall: number): void {
    this.counters.jumps += 1;
    this.counters.lastJumpMs = deltaMs;
    const level = this.trustedFlag ? 'warn' : 'info';
    this.log[level]({ jumpMs: Math.round(deltaMs), wall: new Date(wall).toISOString(), held: this.queue.length }, 'wall clock jumped');
  }

  private flush(offset: number): void {
    while (this.queue.length > 0) {
      const { item, monoMs } = this.queue.shift()!;
      this.options.release(item, monoMs + offset);
    }
  }
}
