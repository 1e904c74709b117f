/**
 * Reads what the simulated broker printed with the gateway's own codecs
 * (src/protocol), so a test proves the bytes are protocol-correct: every
 * frame parses, every radio message decodes with no unknown or invalid record.
 */
import {
  decodeLine, decodeMessage, encodeMessage, interpret, KIND, MAX_MESSAGE_BYTES, parseBrokerFrame, record,
  type BrokerEvent, type MessageView, type RecordDraft, type TxStatus,
} from '../../src/protocol/index.ts';

/** One broker line, parsed; `view` for RX lines. */
export type Heard =
  | { readonly type: 'txr'; readonly id: number; readonly status: TxStatus }
  | { readonly type: 'rx'; readonly mac: string; readonly view: MessageView }
  | { readonly type: 'boot' | 'hb'; readonly event: BrokerEvent }
  | { readonly type: 'console'; readonly text: string };

/** Parses broker output; throws when a frame or a message is not exactly right. */
export function parseOutput(bytes: Buffer | string): Heard[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  return text.split('\n').filter((line) => line.replace('\r', '') !== '').map((line) => {
    let frame;
    try {
      frame = decodeLine(line);
    } catch {
      return { type: 'console', text: line };
    }
    const event = parseBrokerFrame(frame);
    if (event.type === 'txr') return { type: 'txr', id: event.id, status: event.status };
    if (event.type !== 'rx') return { type: event.type, event };
    if (event.payload.length > MAX_MESSAGE_BYTES) throw new Error(`RX of ${event.payload.length} bytes`);
    const message = decodeMessage(event.payload);
    if (message.unknownRecords + message.invalidRecords > 0) throw new Error(`RX ${event.payload.toString('hex')}: unknown or invalid records`);
    return { type: 'rx', mac: event.mac, view: interpret(message) };
  });
}

/** The short form of a line, for order checks: `TXR 7 sent`, `RX a2.. RESULT`. */
export const brief = (h: Heard): string =>
  h.type === 'txr' ? `TXR ${h.id} ${h.status}` : h.type === 'rx' ? `RX ${h.mac} ${h.view.kind}` : h.type.toUpperCase();

/** A COMMAND with id `id` (boot 0, seq = id, as the gateway's queue numbers them). */
export const commandPayload = (id: number, records: RecordDraft[]): Buffer =>
  encodeMessage({ kind: KIND.COMMAND, boot: 0, seq: id & 0xffff, records: [record('commandId', id), ...records] });
