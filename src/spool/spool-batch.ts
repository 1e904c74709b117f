import type { BatchLease } from './batch-scratch.ts';
import type { SpoolPosition } from './spool-types.ts';

/**
 * Lines handed out by `Spool.read()`, as the request body they make: the
 * line-protocol lines in order, joined by `\n`, in one Buffer (no string per
 * line). Give it back to `ack()` once delivered (or set aside by the sink).
 */
export class SpoolBatch {
  #lines: readonly string[] | undefined;
  readonly #body: Buffer;
  readonly #lease: BatchLease | undefined;

  constructor(
    /** The lines, UTF-8, separated by `\n` (no trailing one). */
    body: Buffer,
    /** Lines in the batch. */
    readonly count: number,
    readonly start: SpoolPosition,
    readonly end: SpoolPosition,
    /** The scratch its bytes are in, if read with one (see batch-scratch.ts). */
    lease?: BatchLease,
  ) {
    this.#body = body;
    this.#lease = lease;
  }

  /** The lines, UTF-8, separated by `\n` (no trailing one). Throws `SPOOL_BATCH_REUSED` once its scratch was read into again. */
  get body(): Buffer {
    this.#lease?.scratch.check(this.#lease.generation);
    return this.#body;
  }

  /** The lines as strings, decoded on first use (setting a batch aside, tests). */
  get lines(): readonly string[] {
    this.#lines ??= this.count === 0 ? [] : this.body.toString('utf8').split('\n');
    return this.#lines;
  }
}
