import { CAPABILITY_BITS, encodeBrokerEvent, encodeMessage, KIND, record } from '../src/protocol/index.ts';
import { frameKey, numberedLine } from '../test/helpers/numbered-frames.ts';
import type { PtyPair } from '../test/helpers/pty-pair.ts';
import { sleep } from '../test/helpers/wait-for.ts';

/** Simulated sensor nodes of the control-side bench. */
export const NODES = 100;

/**
 * Numbered REPORTs from {@link NODES} nodes, round-robin, never the same
 * (node, seq) twice in one gateway's life; `sentAt` maps each frame's
 * `<mac>/<seq>` key to performance.now() of its pty write.
 */
export class FrameFeed {
  readonly sentAt = new Map<string, number>();
  private k = 0;
  private readonly pty: PtyPair;

  constructor(pty: PtyPair) {
    this.pty = pty;
  }

  /** The next `count` frames as one string (keys noted as sent now). */
  private next(count: number): string {
    let text = '';
    const now = performance.now();
    for (let i = 0; i < count; i++, this.k++) {
      const node = this.k % NODES;
      const seq = Math.floor(this.k / NODES) & 0xffff;
      this.sentAt.set(frameKey(node, seq), now);
      text += `${numberedLine(node, seq)}\r\n`;
    }
    return text;
  }

  /** One frame from each node, at once. */
  everyNode(): Promise<void> {
    return this.pty.write(this.next(NODES));
  }

  /** `perS` frames/s for `seconds`, one write every 1000/perS ms on a fixed schedule (frames are keyed per write). */
  async atRate(perS: number, seconds: number): Promise<void> {
    const start = performance.now();
    const gapMs = 1000 / perS;
    for (let i = 0; i < perS * seconds; i++) {
      const due = start + i * gapMs;
      if (due > performance.now()) await sleep(due - performance.now());
      await this.pty.write(this.next(1));
    }
  }

  /** Forgets the send times (their keys stay used). */
  clear(): void {
    this.sentAt.clear();
  }
}

const line = (text: string): string => `${text}\r\n`;

/** The broker's heartbeat (the gateway refuses commands when it has heard none for a while). */
export const brokerHeartbeat = (): string => line(encodeBrokerEvent({ type: 'hb', uptimeS: 10, rx: 0, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 }));

/** The broker's BOOT and one HB (the gateway takes commands once it has heard them). */
export const brokerHello = (): string => line(encodeBrokerEvent({ type: 'boot', firmware: 'broker-bench', brokerMac: 'b0b0b0b0b0b0', channel: 1 })) + brokerHeartbeat();

/** The listening power-socket node of the relay bench (not one of the numbered nodes). */
export const SOCKET = 'a2b2c2d2e2f4';
/** Its relay channel. */
export const SOCKET_CHANNEL = 2;

/** The socket's HELLO: power meter, relay, always listening; channel 2, relay off. */
export const socketHello = (): string => line(encodeBrokerEvent({
  type: 'rx', mac: SOCKET, rssi: -52, payload: encodeMessage({
    kind: KIND.HELLO, boot: 4, seq: 1,
    records: [record('capabilities', CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING), record('channel', SOCKET_CHANNEL), record('relay', 0)],
  }),
}));

/** The broker's `TXR,<id>,sent` and the socket's RESULT (ok, relay now `on`), message `seq` of boot 4. */
export const socketConfirm = (id: number, on: boolean, seq: number): string => line(encodeBrokerEvent({ type: 'txr', id, status: 'sent' }))
  + line(encodeBrokerEvent({
    type: 'rx', mac: SOCKET, rssi: -50, payload: encodeMessage({
      kind: KIND.RESULT, boot: 4, seq,
      records: [record('commandId', id), record('outcome', 0), record('channel', SOCKET_CHANNEL), record('relay', on ? 1 : 0)],
    }),
  }));
