import { decodeLine, parseBrokerFrame, type BrokerEvent } from '../protocol/index.ts';
import { LineFramer } from '../serial/line-framer.ts';
import type { OpenPort, PortStream } from '../serial/open-port.ts';
import { codeOf, fail, messageOf, pass, skip, type CheckResult } from './check-result.ts';

/** How long `doctor` listens for a `BOOT` or `HB` line, ms: the broker sends `HB` every 10 s. */
export const DEFAULT_BROKER_WINDOW_MS = 15_000;

/** Options of {@link checkBrokerLine}. */
export interface BrokerCheckOptions {
  path: string;
  baudRate: number;
  /** The real `openPort` of src/serial in production. */
  openPort: OpenPort;
  /** Listening window, ms. Default {@link DEFAULT_BROKER_WINDOW_MS}. */
  windowMs?: number;
}

const NAME = 'broker BOOT or HB line within 15 s';

interface Tally { lines: number; badCrc: number; console: number; other: number }

const describe = (event: BrokerEvent): string =>
  event.type === 'hb'
    ? `HB: broker up ${event.uptimeS} s, ${event.rx} messages received, ${event.rxDropped} dropped`
    : event.type === 'boot' ? `BOOT: firmware ${event.firmware}, broker MAC ${event.brokerMac}, channel ${event.channel}` : event.type;

/**
 * Opens the port as the gateway does (no DTR/RTS toggling, exclusive lock) and
 * waits for one `BOOT` or `HB` frame. A port locked by the running service is
 * a skip, not a failure: the service is using it.
 */
export async function checkBrokerLine(options: BrokerCheckOptions): Promise<CheckResult> {
  let port: PortStream;
  try {
    port = await options.openPort({ path: options.path, baudRate: options.baudRate });
  } catch (err) {
    const text = messageOf(err);
    if (/lock|temporarily unavailable/i.test(text) || codeOf(err) === 'EAGAIN') {
      return skip(NAME, `${options.path} is in use by another program (the running gateway service?)`,
        'the service is reading the broker: `journalctl -u espnow-gateway -n 50` shows it; for this check stop it first: sudo systemctl stop espnow-gateway');
    }
    return fail(NAME, `${options.path}: cannot open: ${text}`, 'see the serial device check above');
  }
  const tally: Tally = { lines: 0, badCrc: 0, console: 0, other: 0 };
  const found = await listen(port, options.windowMs ?? DEFAULT_BROKER_WINDOW_MS, tally);
  await new Promise<void>((resolve) => port.close(() => resolve()));
  const seconds = Math.round((options.windowMs ?? DEFAULT_BROKER_WINDOW_MS) / 1000);
  if (found) return pass(NAME, `${options.path}: ${describe(found)}`);
  if (tally.lines === 0) {
    return fail(NAME, `${options.path}: nothing received in ${seconds} s`,
      'is this the broker? flash the broker firmware (micropython/README.md) and press its reset button; check serial.baudRate matches the firmware');
  }
  return fail(NAME, `${options.path}: ${tally.lines} lines in ${seconds} s, none BOOT or HB (${tally.badCrc} with a bad CRC, ${tally.console} console text, ${tally.other} other frames)`,
    tally.badCrc > 0 || tally.console > tally.other
      ? 'garbled or console text only: check serial.baudRate against the broker firmware, and that the broker runs the ESP-NOW broker program (micropython/README.md)'
      : 'the broker sends frames but no heartbeat: update the broker firmware (micropython/README.md)');
}

function listen(port: PortStream, windowMs: number, tally: Tally): Promise<BrokerEvent | undefined> {
  return new Promise((resolve) => {
    const framer = new LineFramer();
    const done = (event?: BrokerEvent): void => {
      clearTimeout(timer);
      port.unpipe(framer);
      framer.destroy();
      resolve(event);
    };
    const timer = setTimeout(() => done(), windowMs);
    framer.on('data', (line: string) => {
      tally.lines += 1;
      let event: BrokerEvent;
      try {
        event = parseBrokerFrame(decodeLine(line));
      } catch (err) {
        if (codeOf(err) === 'BAD_CRC') tally.badCrc += 1;
        else if (codeOf(err) === 'NOT_A_FRAME' || codeOf(err) === 'TOO_LONG') tally.console += 1;
        else tally.other += 1;
        return;
      }
      if (event.type === 'hb' || event.type === 'boot') done(event);
      else tally.other += 1;
    });
    port.on('close', () => done());
    port.pipe(framer);
  });
}
