/** Seq numbers are u16 and wrap 65535 -> 0 (protocol section 1). */
const SEQ_MOD = 0x10000;

/** How many recent seqs of the current boot a node remembers. */
export const SEQ_WINDOW = 64;

/** What one (boot, seq) means relative to what was seen before. */
export type SeqVerdict =
  /** Seen already: drop. */
  | { readonly kind: 'duplicate' }
  /** New: `lost` messages fell into the gap before it (0 for a first, reordered or restarted seq). */
  | { readonly kind: 'new'; readonly lost: number };

/**
 * Duplicate and gap tracking for one node, bounded to {@link SEQ_WINDOW}
 * seqs so memory stays flat over years.
 *
 * Rules, within one boot, with `d = (seq - head) mod 65536` where `head` is
 * the newest seq seen:
 * - seq among the last 64 accepted: duplicate (a retransmission);
 * - 1 <= d <= 32768: forward; `d - 1` messages were lost;
 * - seq behind head by at most 64 and not seen: a late (reordered) message,
 *   accepted with lost 0 (`recovered` tells the caller one counted loss was not);
 * - seq behind head by more than 64: the node restarted its counter without
 *   a new boot number (e.g. RTC memory lost); accepted, lost 0, head resyncs.
 *   Dropping it instead would silence the node for up to 65535 messages.
 * A different boot number starts afresh with lost 0.
 */
export class SeqWindow {
  private boot: number | undefined;
  private head = 0;
  /** The last {@link SEQ_WINDOW} accepted seqs of this boot, a ring: fixed memory, nothing allocated per message. */
  private readonly recent = new Uint16Array(SEQ_WINDOW);
  /** How many of `recent` are in use. */
  private count = 0;
  /** Where the next seq goes (the oldest once the ring is full). */
  private next = 0;

  /** Judges a message and remembers it when it is new. The verdicts are shared, frozen objects. */
  accept(boot: number, seq: number): SeqVerdict & { readonly recovered?: boolean } {
    if (boot !== this.boot) {
      this.boot = boot;
      this.forget();
      return this.take(seq, 0);
    }
    if (this.has(seq)) return DUPLICATE;
    const ahead = (seq - this.head + SEQ_MOD) % SEQ_MOD;
    if (ahead >= 1 && ahead <= SEQ_MOD / 2) return this.take(seq, ahead - 1);
    const behind = SEQ_MOD - ahead;
    if (behind <= SEQ_WINDOW) {
      this.remember(seq);
      return RECOVERED;
    }
    this.forget();
    return this.take(seq, 0);
  }

  private take(seq: number, lost: number): SeqVerdict {
    this.head = seq;
    this.remember(seq);
    return lost === 0 ? NOTHING_LOST : { kind: 'new', lost };
  }

  private has(seq: number): boolean {
    const { recent } = this;
    for (let i = 0; i < this.count; i++) if (recent[i] === seq) return true;
    return false;
  }

  /** Adds a seq not remembered yet; past {@link SEQ_WINDOW} the oldest goes. */
  private remember(seq: number): void {
    this.recent[this.next] = seq;
    this.next = (this.next + 1) % SEQ_WINDOW;
    if (this.count < SEQ_WINDOW) this.count += 1;
  }

  private forget(): void {
    this.count = 0;
    this.next = 0;
  }
}

const DUPLICATE: SeqVerdict = Object.freeze({ kind: 'duplicate' });
const NOTHING_LOST: SeqVerdict = Object.freeze({ kind: 'new', lost: 0 });
const RECOVERED: SeqVerdict & { readonly recovered: true } = Object.freeze({ kind: 'new', lost: 0, recovered: true });
