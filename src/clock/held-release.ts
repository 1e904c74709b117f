import type { Logger } from '../log.ts';
import type { DrainedReading, HeldJournal } from './held-journal.ts';
import type { HeldCodec } from './held-points.ts';

/** Held readings handed on per event-loop turn: 60,000 at once would stall serial reading for seconds on a Pi Zero. */
export const RELEASE_CHUNK = 1000;

/** What {@link HeldRelease} needs; the guard builds it from its options. */
export interface HeldReleaseOptions<T> {
  journal: { store: HeldJournal } & HeldCodec<T>;
  release: (item: T, wallMs: number) => void;
  /** Current `wall - monotonic`, ms, for readings held while a release runs. */
  offsetMs: () => number;
  /** Journal files go this long after their readings were handed on, ms. */
  releaseGraceMs: number;
  log: Logger;
}

/**
 * The journal side of the clock guard: holds readings on disk and, once the
 * clock is trusted, hands them on in order, {@link RELEASE_CHUNK} per
 * event-loop turn. Readings that arrive meanwhile are held on disk behind
 * them (the stamper needs times in order). The journal files are deleted
 * `releaseGraceMs` later, or when the sink has closed.
 */
export class HeldRelease<T> {
  private readonly o: HeldReleaseOptions<T>;
  private batch: DrainedReading[] = [];
  private at = 0;
  private counts = { released: 0, estimated: 0, invalid: 0 };
  private stepQueued = false;
  private removeTimer: NodeJS.Timeout | undefined;

  constructor(options: HeldReleaseOptions<T>) {
    this.o = options;
  }

  /** Readings held on disk or waiting in the release under way. */
  get held(): number {
    return this.o.journal.store.held + (this.batch.length - this.at);
  }

  /** True while held readings are being handed on. */
  get releasing(): boolean {
    return this.at < this.batch.length;
  }

  /** Holds one reading that arrived at monotonic `monoMs`. */
  hold(item: T, monoMs: number): void {
    this.o.journal.store.append(monoMs, this.o.journal.encode(item));
  }

  /** Starts handing on everything held (times from `offsetMs`), unless a release is under way. */
  begin(offsetMs: number): void {
    if (this.releasing || this.o.journal.store.held === 0) return;
    this.batch = this.o.journal.store.drain(offsetMs);
    this.at = 0;
    this.schedule();
  }

  /** Hands on the rest at once (on stop, before the sink closes). */
  finish(): void {
    while (this.releasing || this.o.journal.store.held > 0) {
      if (!this.releasing) this.begin(this.o.offsetMs());
      this.step(Infinity);
    }
  }

  /** The sink has closed (its data is on disk): the released readings' files go now. */
  afterSinkClosed(): void {
    clearTimeout(this.removeTimer);
    this.o.journal.store.removeReleased();
  }

  private schedule(): void {
    if (this.stepQueued) return;
    this.stepQueued = true;
    setImmediate(() => {
      this.stepQueued = false;
      this.step(RELEASE_CHUNK);
    });
  }

  private step(max: number): void {
    const end = Math.min(this.batch.length, this.at + max);
    for (; this.at < end; this.at += 1) this.handOn(this.batch[this.at]);
    if (this.releasing) {
      this.schedule();
      return;
    }
    this.batch = [];
    this.at = 0;
    if (this.o.journal.store.held > 0) {
      this.begin(this.o.offsetMs());
      return;
    }
    this.done();
  }

  private handOn(reading: DrainedReading): void {
    let item: T;
    try {
      item = this.o.journal.decode(reading.payload);
    } catch (err) {
      this.counts.invalid += 1;
      this.o.log.warn({ err }, 'held reading unreadable: skipped');
      return;
    }
    if (reading.estimated) this.counts.estimated += 1;
    this.counts.released += 1;
    this.o.release(item, reading.wallMs);
  }

  private done(): void {
    const { released, estimated, invalid } = this.counts;
    if (released + invalid === 0) return;
    this.counts = { released: 0, estimated: 0, invalid: 0 };
    this.o.log.info({ released, estimated, invalid }, 'held readings stored');
    if (estimated > 0) {
      this.o.log.warn({ estimated }, 'readings held by an earlier boot that never synced: its start time is unknown, so they are stored at the latest time they can have happened (just before this boot), spacing kept');
    }
    clearTimeout(this.removeTimer);
    this.removeTimer = setTimeout(() => this.o.journal.store.removeReleased(), this.o.releaseGraceMs);
    this.removeTimer.unref();
  }
}
