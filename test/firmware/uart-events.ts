/**
 * The broker's UART bytes as the gateway's TypeScript decoder sees them:
 * frames parsed with src/protocol, radio payloads decoded.
 */
import { decodeLine, decodeMessage, interpret, parseBrokerFrame, type BrokerEvent, type Message, type MessageView } from '../../src/protocol/index.ts';

/** One RX line, decoded down to the message and its scaled values. */
export interface RxReading {
  mac: string;
  rssi?: number;
  message: Message;
  view: MessageView;
}

/** Frames, decoded RX messages and the lines that were not frames. */
export interface UartEvents {
  events: BrokerEvent[];
  rx: RxReading[];
  console: string[];
}

/** Splits `text` into lines and decodes each (the last, unterminated piece is ignored). */
export function uartEvents(text: string): UartEvents {
  const out: UartEvents = { events: [], rx: [], console: [] };
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    let event: BrokerEvent;
    try {
      event = parseBrokerFrame(decodeLine(line));
    } catch {
      out.console.push(line);
      continue;
    }
    out.events.push(event);
    if (event.type === 'rx') {
      const message = decodeMessage(event.payload);
      out.rx.push({ mac: event.mac, ...(event.rssi === undefined ? {} : { rssi: event.rssi }), message, view: interpret(message) });
    }
  }
  return out;
}
