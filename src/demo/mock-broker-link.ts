import { decodeLine } from '../protocol/index.ts';
import type { MockPort } from './mock-serial.ts';
import type { SimulatedBroker } from './simulated-broker.ts';

/** Options of {@link MockBrokerLink}. */
export interface MockBrokerLinkOptions {
  broker: SimulatedBroker;
  /** The gateway's open mock port, or undefined while it is closed. */
  port: () => MockPort | undefined;
}

/**
 * Joins a {@link SimulatedBroker} to the gateway's mock serial port: each
 * `step(elapsedS)` hands the broker's output up to `elapsedS` to the gateway,
 * then answers every whole line the gateway wrote since the last step (`TX`,
 * `TIME`). A line that is not a frame (bad CRC) is ignored, as the broker
 * firmware ignores it. The caller owns the clock (a timer in the demo, a
 * loop in tests).
 */
export class MockBrokerLink {
  private readonly options: MockBrokerLinkOptions;
  private port: MockPort | undefined;
  private answered = 0;

  constructor(options: MockBrokerLinkOptions) {
    this.options = options;
  }

  /** Exchanges what is due at `elapsedS` s after the broker started; nothing while the port is closed. */
  step(elapsedS: number): void {
    const port = this.options.port();
    if (!port?.isOpen) return;
    if (port !== this.port) {
      this.port = port;
      this.answered = 0; // a reopened port starts a new recording
    }
    const { broker } = this.options;
    const out = broker.advance(elapsedS);
    if (out.length > 0) port.emitData(out);
    const written = port.recording.subarray(this.answered).toString('latin1');
    const end = written.lastIndexOf('\n') + 1;
    this.answered += end;
    for (const line of written.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      let frame;
      try {
        frame = decodeLine(line);
      } catch {
        continue;
      }
      const answer = broker.answer(frame, elapsedS);
      if (answer.length > 0) port.emitData(answer);
    }
  }
}
