import { decodeLine, encodeBrokerEvent, encodeMessage, KIND, parseGatewayFrame, record, type RecordDraft, type TxStatus } from '../../src/protocol/index.ts';
import type { PtyPair } from './pty-pair.ts';
import { waitFor } from './wait-for.ts';

/** One `TX` line the gateway wrote: the raw text (no `\n`) and its fields. */
export interface TxLine {
  raw: string;
  id: number;
  mac: string;
  /** The COMMAND message, hex as on the line. */
  payloadHex: string;
}

/**
 * The broker's end of a {@link PtyPair}, written line by line as the broker
 * firmware would (protocol sections 2 and 4): `HB` heartbeats (optionally on
 * a timer), nodes' messages as `RX` lines with a per-node seq, `TXR` lines
 * for the gateway's `TX` lines, and RESULTs. It decides nothing by itself:
 * the test says which answer each `TX` line gets.
 *
 * ```ts
 * const broker = new ScriptedBroker(pty);
 * broker.heartbeat(3000);
 * const tx = await broker.waitTx((l) => l.mac === SOCKET);
 * await broker.txr(tx.id, 'sent');
 * await broker.result(SOCKET, tx.id, 0, [record('channel', 2), record('relay', 1)]);
 * broker.stopHeartbeat();
 * ```
 */
export class ScriptedBroker {
  private readonly pty: PtyPair;
  private readonly seqs = new Map<string, number>();
  private uptimeS = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(pty: PtyPair) {
    this.pty = pty;
  }

  /** Writes one frame line (`text` already carries its `*CRC`). */
  line(text: string): Promise<void> {
    return this.pty.write(`${text}\n`);
  }

  /** One `HB` line (counters zero, uptime counting up). */
  hb(): Promise<void> {
    this.uptimeS += 3;
    return this.line(encodeBrokerEvent({ type: 'hb', uptimeS: this.uptimeS, rx: 0, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 }));
  }

  /** Writes an `HB` now and then every `everyMs` until {@link stopHeartbeat}. */
  async heartbeat(everyMs: number): Promise<void> {
    this.stopHeartbeat();
    await this.hb();
    this.timer = setInterval(() => void this.hb().catch(() => undefined), everyMs);
  }

  /** Stops the heartbeat timer (a silent broker, or a gateway about to stop). */
  stopHeartbeat(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** An `RX` line: a message of `kind` from node `mac` (12 hex digits), boot 1, the node's next seq. */
  rx(mac: string, kind: number, records: RecordDraft[], rssi = -55): Promise<void> {
    const seq = (this.seqs.get(mac) ?? 0) + 1;
    this.seqs.set(mac, seq);
    return this.line(encodeBrokerEvent({ type: 'rx', mac, rssi, payload: encodeMessage({ kind, boot: 1, seq, records }) }));
  }

  /** `TXR,<id>,<status>`. */
  txr(id: number, status: TxStatus): Promise<void> {
    return this.line(encodeBrokerEvent({ type: 'txr', id, status }));
  }

  /** The node's RESULT for command `id`: outcome (0 ok, 1 unsupported, 2 invalid, 3 failed), then the state records. */
  result(mac: string, id: number, outcome: number, state: RecordDraft[] = []): Promise<void> {
    return this.rx(mac, KIND.RESULT, [record('commandId', id), record('outcome', outcome), ...state]);
  }

  /** Every `TX` line the gateway wrote so far (CRC checked by the codec). */
  txLines(): TxLine[] {
    return this.pty.received().toString('utf8').split('\n')
      .filter((l) => l.startsWith('TX,'))
      .map((raw) => {
        const command = parseGatewayFrame(decodeLine(raw));
        if (command.type !== 'tx') throw new Error(`not a TX line: ${raw}`);
        return { raw, id: command.id, mac: command.mac, payloadHex: command.payload.toString('hex') };
      });
  }

  /** Resolves with the first `TX` line `match` accepts (polling the pty's bytes). */
  waitTx(match: (line: TxLine) => boolean, timeoutMs = 5000, what = 'a TX line'): Promise<TxLine> {
    return waitFor(() => this.txLines().find(match), timeoutMs, what);
  }
}
