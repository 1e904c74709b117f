/** Most COMMANDs the broker holds per sleepy node (protocol section 2). */
export const HELD_PER_NODE = 16;
/** How long the broker holds a COMMAND, s (24 h, protocol section 2). */
export const HELD_TTL_S = 24 * 60 * 60;

interface Held {
  readonly id: number;
  /** The COMMAND's records, without its header: appended to a RECEIPT as they are. */
  readonly body: Buffer;
  readonly atS: number;
}

/**
 * COMMANDs the simulated broker holds for sleepy nodes until they next send
 * something, as the broker firmware's `command_queue.py` does: at most
 * {@link HELD_PER_NODE} per node, oldest first, dropped after {@link HELD_TTL_S}.
 */
export class HeldCommands {
  private readonly byMac = new Map<string, Held[]>();
  private readonly perNode: number;
  private readonly ttlS: number;

  constructor(perNode = HELD_PER_NODE, ttlS = HELD_TTL_S) {
    this.perNode = perNode;
    this.ttlS = ttlS;
  }

  /** Commands held for all nodes (the heartbeat's `queued`). */
  get count(): number {
    let n = 0;
    for (const items of this.byMac.values()) n += items.length;
    return n;
  }

  /** Holds a command for `mac`; false when that node already has {@link HELD_PER_NODE}. */
  put(mac: string, id: number, body: Buffer, atS: number): boolean {
    const items = this.byMac.get(mac) ?? [];
    if (items.length >= this.perNode) return false;
    items.push({ id, body, atS });
    this.byMac.set(mac, items);
    return true;
  }

  /** Takes the oldest commands for `mac` whose bodies fit in `room` bytes: their records, concatenated, and their ids. */
  take(mac: string, room: number): { tail: Buffer; ids: number[] } {
    const parts: Buffer[] = [];
    const ids: number[] = [];
    const items = this.byMac.get(mac) ?? [];
    for (const item of items) {
      if (item.body.length > room) break;
      parts.push(item.body);
      ids.push(item.id);
      room -= item.body.length;
    }
    const keep = items.slice(ids.length);
    if (keep.length > 0) this.byMac.set(mac, keep);
    else this.byMac.delete(mac);
    return { tail: Buffer.concat(parts), ids };
  }

  /** Drops commands held for {@link HELD_TTL_S} or longer at `nowS`; returns their ids. */
  expire(nowS: number): number[] {
    const gone: number[] = [];
    for (const [mac, items] of this.byMac) {
      const keep = items.filter((item) => nowS - item.atS < this.ttlS);
      gone.push(...items.filter((item) => nowS - item.atS >= this.ttlS).map((item) => item.id));
      if (keep.length > 0) this.byMac.set(mac, keep);
      else this.byMac.delete(mac);
    }
    return gone;
  }
}
