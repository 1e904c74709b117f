/** Largest command id; ids run 1..65535 and then start again at 1. */
export const MAX_COMMAND_ID = 65535;

/** How long the broker may hold a command, ms (protocol section 2: 24 h). */
export const BROKER_HOLD_MS = 24 * 3600_000;

/** A checkpoint is taken at most this often, ms; it is also the slack of the 24 h guard. */
const CHECKPOINT_EVERY_MS = 3600_000;

/** What {@link IdAllocator} persists. */
export interface IdAllocatorState {
  /** Count of ids ever handed out; the next id is `serial % 65535 + 1`. */
  readonly nextSerial: number;
  /** `[serial, wall ms]` of the first id handed out in each hour, oldest first, back to the last one older than 24 h. */
  readonly checkpoints: ReadonlyArray<readonly [number, number]>;
}

/** The id of allocation number `serial` (0-based). */
export const idOfSerial = (serial: number): number => (serial % MAX_COMMAND_ID) + 1;

/**
 * Hands out command ids in order, 1..65535 and round again, and refuses an id
 * the broker may still hold: one handed out less than 24 h ago. Ids are
 * given in order, so the ids of the last 24 h are one run ending at the
 * previous id; hourly checkpoints `(serial, time)` bound where that run
 * starts (at most 1 h too early: the guard errs on the safe side) with at
 * most 26 entries to persist.
 */
export class IdAllocator {
  private serial: number;
  private readonly checkpoints: Array<[number, number]>;

  constructor(state: IdAllocatorState = { nextSerial: 0, checkpoints: [] }) {
    this.serial = state.nextSerial;
    this.checkpoints = state.checkpoints.map(([s, ms]) => [s, ms]);
  }

  /** The id {@link take} would hand out next. */
  get nextId(): number {
    return idOfSerial(this.serial);
  }

  /**
   * The next id, or undefined when all 65535 were handed out within the
   * last 24 h (wall time `nowMs`). `busy(id)` (an id still open) also skips.
   */
  take(nowMs: number, busy: (id: number) => boolean = () => false): number | undefined {
    this.forget(nowMs);
    const oldest = this.checkpoints[0]?.[0] ?? this.serial;
    for (let tries = 0; tries < MAX_COMMAND_ID; tries += 1) {
      if (this.serial - oldest >= MAX_COMMAND_ID) return undefined;
      const id = idOfSerial(this.serial);
      const last = this.checkpoints.at(-1);
      if (last === undefined || nowMs - last[1] >= CHECKPOINT_EVERY_MS) this.checkpoints.push([this.serial, nowMs]);
      this.serial += 1;
      if (!busy(id)) return id;
    }
    return undefined;
  }

  /** The state to persist. */
  state(): IdAllocatorState {
    return { nextSerial: this.serial, checkpoints: this.checkpoints.map(([s, ms]) => [s, ms] as const) };
  }

  /** Drops checkpoints whose whole run is older than 24 h. */
  private forget(nowMs: number): void {
    while (this.checkpoints.length > 1 && this.checkpoints[1][1] <= nowMs - BROKER_HOLD_MS) this.checkpoints.shift();
    if (this.checkpoints.length === 1 && this.checkpoints[0][1] <= nowMs - BROKER_HOLD_MS - CHECKPOINT_EVERY_MS) this.checkpoints.shift();
  }
}
