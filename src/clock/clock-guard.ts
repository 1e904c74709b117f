import { silentLogger, type Logger } from '../log.ts';
import type { HeldJournal } from './held-journal.ts';
import type { HeldCodec } from './held-points.ts';
import { HeldRelease } from './held-release.ts';
import type { SyncState } from './sync-probe.ts';
import type { WallClock } from './wall-clock.ts';

/** Earliest wall time believed without NTP: 2025-01-01T00:00:00Z, in ms. */
export const DEFAULT_MIN_PLAUSIBLE_WALL_MS = Date.UTC(2025, 0, 1);
/** Default of {@link ClockGuardOptions.maxHeld}. */
export const DEFAULT_MAX_HELD = 50_000;
/** Default of {@link ClockGuardOptions.jumpToleranceMs}. */
export const DEFAULT_JUMP_TOLERANCE_MS = 2_000;
/** Default of the interval {@link ClockGuard.start} re-checks the clock at, in ms. */
export const DEFAULT_CHECK_INTERVAL_MS = 5_000;
/** Default of {@link ClockGuardOptions.reminderIntervalMs}: 5 min. */
export const DEFAULT_REMINDER_INTERVAL_MS = 5 * 60_000;
/** Default of {@link ClockGuardOptions.releaseGraceMs}. */
export const DEFAULT_RELEASE_GRACE_MS = 3_000;

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
  /**
   * Items held in memory while the clock is untrusted and there is no
   * `journal`; past it the oldest are dropped. Default 50000.
   */
  maxHeld?: number;
  /**
   * Where held items wait, durably: the journal (opened by `start()`) and how
   * an item becomes a line and back. Without it they wait in memory only.
   */
  journal?: { store: HeldJournal } & HeldCodec<T>;
  /**
   * After held items are released, their journal files are deleted this much
   * later, ms: time for the sink to fsync them (2 fsync periods and some).
   * {@link ClockGuard.afterSinkClosed} deletes them at once. Default 3000.
   */
  releaseGraceMs?: number;
  /** While the clock is untrusted, the log says so this often, ms. Default 300000 (5 min). */
  reminderIntervalMs?: number;
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
  /** Synced, waiting for a sync source, or none on this machine (then a plausible clock is trusted). */
  sync: SyncState;
}

interface Held<T> { readonly item: T; readonly monoMs: number }
type Options<T> = Required<Omit<ClockGuardOptions<T>, 'log' | 'journal'>> & Pick<ClockGuardOptions<T>, 'journal'>;

/**
 * Keeps readings from being stored with a wrong time. A Pi Zero has no RTC:
 * until NTP has synced, its wall clock may be hours or years off. Each item is
 * stamped with monotonic time when submitted; while the wall clock is
 * untrusted, items are held (on disk when a `journal` is given, see
 * held-journal.ts); once it is trusted, each gets
 * `wall = monoAtReading + (wallAtSync - monoAtSync)` and is released in order.
 *
 * Trusted means: later than `minPlausibleWallMs`, and synced, unless
 * `requireSync` is off or the machine has no sync source at all (a container,
 * no systemd): waiting there would hold readings forever, so the gateway says
 * so once and trusts a plausible clock. While untrusted, the log says every
 * `reminderIntervalMs` how many readings wait, since when, and for what.
 *
 * The offset `wall - monotonic` is re-read on every call; when it moves by
 * more than `jumpToleranceMs` (someone ran `date`, NTP stepped the clock) the
 * jump is counted and logged, and times follow the new offset: after a sync
 * the system clock is the authority, and monotonic time has no opinion.
 */
export class ClockGuard<T> {
  private readonly options: Options<T>;
  private readonly log: Logger;
  private readonly queue: Held<T>[] = [];
  private offsetMs: number | undefined;
  private trustedFlag = false;
  private syncState: SyncState = 'waiting';
  private noSourceSaid = false;
  private remindedAt = -Infinity;
  private heldSinceMono: number | undefined;
  private counters = { dropped: 0, jumps: 0, lastJumpMs: undefined as number | undefined };
  private timer: NodeJS.Timeout | undefined;
  private readonly onDisk: HeldRelease<T> | undefined;

  constructor(options: ClockGuardOptions<T>) {
    this.options = {
      requireSync: true,
      maxHeld: DEFAULT_MAX_HELD,
      jumpToleranceMs: DEFAULT_JUMP_TOLERANCE_MS,
      minPlausibleWallMs: DEFAULT_MIN_PLAUSIBLE_WALL_MS,
      releaseGraceMs: DEFAULT_RELEASE_GRACE_MS,
      reminderIntervalMs: DEFAULT_REMINDER_INTERVAL_MS,
      ...options,
    };
    this.log = (options.log ?? silentLogger).child({ stage: 'clock' });
    const { journal } = options;
    this.onDisk = journal && new HeldRelease({
      journal, release: options.release, offsetMs: () => this.offsetMs ?? 0, releaseGraceMs: this.options.releaseGraceMs, log: this.log,
    });
  }

  /** Stamps `item` now and releases it, or holds it until the clock is trusted. */
  submit(item: T): void {
    const monoMs = this.options.clock.monotonic();
    this.check();
    if (this.trustedFlag && this.held() === 0) {
      this.options.release(item, monoMs + (this.offsetMs ?? 0));
      return;
    }
    this.heldSinceMono ??= monoMs;
    if (this.onDisk) {
      this.onDisk.hold(item, monoMs);
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
    this.syncState = clock.syncState?.() ?? (clock.isSynced() ? 'synced' : 'waiting');
    const plausible = wall >= this.options.minPlausibleWallMs;
    const trusted = plausible && (!this.options.requireSync || this.syncState !== 'waiting');
    if (this.syncState === 'no-source' && this.options.requireSync && !this.noSourceSaid) {
      this.noSourceSaid = true;
      this.log.warn({ waitingFor: clock.syncSource, wall: new Date(wall).toISOString(), plausible },
        'no clock sync source on this machine (no timesyncd, no usable timedatectl): trusting the system clock once it reads later than 2025-01-01');
    }
    if (trusted && !this.trustedFlag) {
      this.log.info({ held: this.held(), wall: new Date(wall).toISOString(), sync: this.syncState }, 'clock trusted: releasing held readings');
    } else if (!trusted && this.trustedFlag) {
      this.log.warn({ wall: new Date(wall).toISOString() }, 'clock no longer trusted: holding readings');
    }
    this.trustedFlag = trusted;
    if (trusted) this.flush(offset);
    else if (mono - this.remindedAt >= this.options.reminderIntervalMs) this.remind(mono, wall);
  }

  /** Opens the journal, logs what it holds, and re-checks every `intervalMs` (default 5000) so held items leave without new ones arriving. */
  start(intervalMs = DEFAULT_CHECK_INTERVAL_MS): void {
    clearInterval(this.timer);
    const store = this.options.journal?.store;
    if (store) {
      store.open();
      if (store.held > 0) {
        this.log.info({ held: store.held, fromEarlierBoots: store.earlierBootReadings, dir: store.dir }, 'readings held by an earlier run found on disk');
      }
    }
    this.check();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** Stops the periodic check; held items stay held (on disk with a journal), and the log says how many. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.trustedFlag) this.onDisk?.finish();
    const store = this.options.journal?.store;
    store?.close();
    const held = this.held();
    if (held > 0) {
      this.log.warn({ held, dir: store?.dir, waitingFor: this.options.clock.syncSource },
        store ? `stopping with ${held} readings held on disk (clock not synced): they will be stored once the clock syncs`
          : `stopping with ${held} readings held in memory (clock not synced): they are lost`);
    }
  }

  /** The sink has closed (its data is on disk): journal files of released items go now. */
  afterSinkClosed(): void {
    this.onDisk?.afterSinkClosed();
  }

  /** Current state, for the display and `doctor`. */
  get status(): ClockStatus {
    return {
      trusted: this.trustedFlag,
      held: this.held(),
      dropped: this.counters.dropped + (this.options.journal?.store.dropped ?? 0),
      jumps: this.counters.jumps,
      ...(this.counters.lastJumpMs === undefined ? {} : { lastJumpMs: this.counters.lastJumpMs }),
      sync: this.syncState,
    };
  }

  private held(): number {
    return this.queue.length + (this.onDisk?.held ?? 0);
  }

  private remind(mono: number, wall: number): void {
    this.remindedAt = mono;
    const held = this.held();
    const waitingFor = this.options.clock.syncSource ?? 'the system clock to be NTP-synced';
    const why = wall < this.options.minPlausibleWallMs ? `the clock reads ${new Date(wall).toISOString()}, before 2025` : `waiting for ${waitingFor}`;
    this.log.warn({
      held, heldForS: this.heldSinceMono === undefined || held === 0 ? 0 : Math.round((mono - this.heldSinceMono) / 1000),
      waitingFor, wall: new Date(wall).toISOString(), dir: this.options.journal?.store.dir,
    }, `clock not synced: ${held} readings held${this.options.journal ? ' on disk' : ''} until it is (${why}); they are stored then, with the time they arrived`);
  }

  private onJump(deltaMs: number, wall: number): void {
    this.counters.jumps += 1;
    this.counters.lastJumpMs = deltaMs;
    const level = this.trustedFlag ? 'warn' : 'info';
    this.log[level]({ jumpMs: Math.round(deltaMs), wall: new Date(wall).toISOString(), held: this.held() }, 'wall clock jumped');
  }

  private flush(offset: number): void {
    this.heldSinceMono = undefined;
    this.remindedAt = -Infinity;
    while (this.queue.length > 0) {
      const { item, monoMs } = this.queue.shift()!;
      this.options.release(item, monoMs + offset);
    }
    this.onDisk?.begin(offset);
  }
}
