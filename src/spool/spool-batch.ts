import type { SpoolPosition } from './spool-types.ts';

/**
 * Lines handed out by `Spool.read()`, as the request body they make: the
 * line-protocol lines in order, joined by `\n`, in one Buffer (no string per
 * line). Give it back to `ack()` once delivered (or set aside by the sink).
 */
export class SpoolBatch {
  #lines: readonly string[] | undefined;

  constructor(
    /** The lines, UTF-8, separated by `\n` (no trailing one). */
    readonly body: Buffer,
    /** Lines in the batch. */
    readonly count: number,
    readonly start: SpoolPosition,
    readonly end: SpoolPosition,
  ) {}

  /** The lines as strings, decoded on first use (setting a batch aside, tests). */
  get lines(): readonly string[] {
    this.#lines ??= this.count === 0 ? [] : this.body.toString('utf8').split('\n');
    return this.#lines;
  }
}
