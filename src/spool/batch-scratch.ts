import { GatewayError } from '../errors.ts';

/**
 * Sizes are rounded up to this, bytes, so a batch a little bigger than the
 * last one does not make a new buffer; smaller ones (a trickle's batches of
 * a few lines) get a Buffer of their own as before, which dies young.
 */
const STEP_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Memory a reader lends to `Spool.read()` so that the bytes of each batch
 * (the file read and the joined body) go into the same two buffers every
 * time instead of into new ones. A burst sends a batch of up to ~1 MiB every
 * few tens of ms; each new Buffer lives through a request, is promoted by
 * V8 and is only freed at the next full collection, so several of them,
 * megabytes, wait as garbage at any time. With a scratch they are two
 * buffers, kept while big batches keep coming.
 *
 * A batch read with a scratch is valid until the next read with it: one read
 * at a time per scratch, and a batch used after that (its `body`, its
 * `lines`) throws `SPOOL_BATCH_REUSED` instead of handing out another
 * batch's bytes. {@link release} lets the memory go (the spool is drained).
 */
/** Which read of which scratch a batch's bytes came from (see {@link BatchScratch.check}). */
export interface BatchLease {
  readonly scratch: BatchScratch;
  readonly generation: number;
}

export class BatchScratch {
  private bodyBuf = EMPTY;
  private fileBuf = EMPTY;
  /** Counts reads: a batch remembers the one it came from. */
  private lent = 0;

  /** Starts a read: batches of earlier reads are stale from now on. */
  next(): number {
    this.lent += 1;
    return this.lent;
  }

  /** `size` bytes for a joined body (valid until the next read). */
  body(size: number): Buffer {
    if (size < STEP_BYTES) return Buffer.allocUnsafe(size);
    if (this.bodyBuf.length < size) this.bodyBuf = Buffer.allocUnsafe(Math.ceil(size / STEP_BYTES) * STEP_BYTES);
    return this.bodyBuf.subarray(0, size);
  }

  /** `size` bytes for a read of a segment file (valid until the next read). */
  file(size: number): Buffer {
    if (size < STEP_BYTES) return Buffer.allocUnsafe(size);
    if (this.fileBuf.length < size) this.fileBuf = Buffer.allocUnsafe(Math.ceil(size / STEP_BYTES) * STEP_BYTES);
    return this.fileBuf.subarray(0, size);
  }

  /** Lets both buffers go; batches read before are stale. */
  release(): void {
    this.bodyBuf = EMPTY;
    this.fileBuf = EMPTY;
    this.lent += 1;
  }

  /** Throws unless a batch of read `generation` is still valid. */
  check(generation: number): void {
    if (generation !== this.lent) {
      throw new GatewayError('SPOOL_BATCH_REUSED', 'spool batch used after a later read with the same scratch (its bytes were overwritten)');
    }
  }
}
