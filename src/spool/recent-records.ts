/**
 * Copies of the records most recently written to the segment being appended
 * to, so that `Spool.read()` of what was just appended (the usual case: the
 * sink sends a burst's points within a few round trips of their write) is
 * served from memory instead of being read back from the file and checked
 * again. What the file holds is unchanged: every record is still written
 * and fsynced as before, and the cursor still moves only on `ack()`.
 *
 * The copies are exactly the bytes handed to `write(2)` at those offsets, as
 * whole framed records, contiguous from {@link RecentRecords.from}; anything
 * else (another segment, a gap, a failed write) starts them afresh. They are
 * bounded by `maxBytes` (the oldest copies go first; reading them falls back
 * to the file) and trimmed to the cursor on each read.
 */
export class RecentRecords {
  private seq = -1;
  /** Byte offset in segment {@link seq} of the first copy. */
  private start = 0;
  private chunks: Buffer[] = [];
  private bytes = 0;

  /** @param maxBytes Bound of the copies kept, bytes; 0 keeps none. */
  constructor(private readonly maxBytes: number) {}

  /** `records` (whole framed records) were written at byte `offset` of segment `seq`. */
  add(seq: number, offset: number, records: Buffer): void {
    if (records.length === 0 || this.maxBytes === 0) return;
    if (seq !== this.seq || offset !== this.start + this.bytes) this.reset(seq, offset);
    this.chunks.push(Buffer.from(records)); // a copy: the stage reuses its buffer
    this.bytes += records.length;
    while (this.bytes > this.maxBytes) this.dropFirst();
  }

  /**
   * The copies of segment `seq` from byte `offset` on (a record boundary),
   * after dropping those wholly before it; `undefined` when `offset` is not
   * held (read the file).
   */
  from(seq: number, offset: number): Buffer[] | undefined {
    if (seq !== this.seq) return undefined;
    while (this.chunks.length > 0 && this.start + this.chunks[0].length <= offset) this.dropFirst();
    if (this.chunks.length === 0 || offset < this.start) return undefined;
    if (offset === this.start) return this.chunks;
    return [this.chunks[0].subarray(offset - this.start), ...this.chunks.slice(1)];
  }

  /** Forgets every copy (a write failed, the segment was lost). */
  clear(): void {
    this.reset(-1, 0);
  }

  private reset(seq: number, offset: number): void {
    this.seq = seq;
    this.start = offset;
    this.chunks = [];
    this.bytes = 0;
  }

  private dropFirst(): void {
    const first = this.chunks.shift() as Buffer;
    this.start += first.length;
    this.bytes -= first.length;
  }
}
