/** Size of a ring at first, bytes (see the constructor of {@link RecentRecords}). */
export const FIRST_RING_BYTES = 256 * 1024;

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
  /** The copies, oldest first, each a view of {@link ring}, in ring order from the oldest. */
  private chunks: Buffer[] = [];
  private bytes = 0;
  /**
   * Where the copies live (made on first use, growing to `maxBytes`): a copy goes after
   * the newest one, or at 0 when it does not fit before the end, and the
   * oldest copies in its way go. Copies of a burst (every record, ~12 MB/s)
   * made no new Buffers: each would have lived until the sink read it,
   * been promoted, and waited for a full GC to be freed.
   */
  private ring: Buffer | undefined;
  /** Ring position after the newest copy. */
  private head = 0;

  /**
   * @param maxBytes Bound of the copies kept, bytes; 0 keeps none.
   * @param firstBytes Size of the ring at first, bytes: it doubles (up to
   *   `maxBytes`) when the copies not yet read would fill more than half of
   *   it, so a trickle, read as it comes, keeps a small ring and only a burst
   *   makes it big. Default {@link FIRST_RING_BYTES} or `maxBytes` if less.
   */
  constructor(private readonly maxBytes: number, private readonly firstBytes = Math.min(maxBytes, FIRST_RING_BYTES)) {}

  /** `records` (whole framed records) were written at byte `offset` of segment `seq`. */
  add(seq: number, offset: number, records: Buffer): void {
    if (records.length === 0 || this.maxBytes === 0) return;
    if (seq !== this.seq || offset !== this.start + this.bytes) this.reset(seq, offset);
    if (records.length > this.maxBytes) {
      // More than the bound at once: nothing can be kept (as if each copy had gone at once).
      this.reset(seq, offset + records.length);
      return;
    }
    this.ring ??= Buffer.allocUnsafe(Math.max(1, Math.min(this.maxBytes, this.firstBytes)));
    while (this.ring.length < this.maxBytes && 2 * (this.bytes + records.length) > this.ring.length) this.grow();
    const ring = this.ring;
    let at = this.head;
    if (at + records.length > ring.length) {
      // From the start: the copies between the head and the end are the oldest, and go first.
      while (this.chunks.length > 0 && this.firstAt() >= at) this.dropFirst();
      at = 0;
    }
    const end = at + records.length;
    while (this.chunks.length > 0 && this.firstAt() < end && this.firstAt() + this.chunks[0].length > at) this.dropFirst();
    ring.set(records, at); // a copy: the stage reuses its buffer
    this.chunks.push(ring.subarray(at, end));
    this.head = end;
    this.bytes += records.length;
  }

  /**
   * The copies of segment `seq` from byte `offset` on (a record boundary),
   * after dropping those wholly before it; `undefined` when `offset` is not
   * held (read the file). Views of the ring: valid until the next `add()`.
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
    this.head = 0;
  }

  /** A ring twice as big (at most `maxBytes`), the copies moved to its start in order. */
  private grow(): void {
    const bigger = Buffer.allocUnsafe(Math.min(this.maxBytes, 2 * this.ring!.length));
    let at = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      bigger.set(chunk, at);
      this.chunks[i] = bigger.subarray(at, at + chunk.length);
      at += chunk.length;
    }
    this.ring = bigger;
    this.head = at;
  }

  /** Ring position of the oldest copy (read off its view, so it cannot go stale). */
  private firstAt(): number {
    return this.chunks[0].byteOffset - this.ring!.byteOffset;
  }

  private dropFirst(): void {
    const first = this.chunks.shift() as Buffer;
    this.start += first.length;
    this.bytes -= first.length;
  }
}
