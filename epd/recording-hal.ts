import type { Gpio, Hal, HalClock, Level, SpiBus } from './hal.ts';

/** One thing asked of the hardware, in order. */
export type HalOp =
  | { op: 'output'; pin: number }
  | { op: 'input'; pin: number }
  | { op: 'write'; pin: number; level: Level }
  | { op: 'read'; pin: number; level: Level }
  | { op: 'spiOpen' }
  | { op: 'spiWrite'; bytes: Uint8Array }
  | { op: 'spiClose' }
  | { op: 'delay'; ms: number };

/** Options of {@link RecordingHal}. */
export interface RecordingHalOptions {
  /**
   * What a read of `pin` returns; `t` is the virtual time in ms since creation.
   * Default: 0 on every pin (idle BUSY for the SSD1680 panels).
   */
  read?: (pin: number, t: number) => Level;
}

/**
 * A fake of the whole HAL that records every request and runs on virtual time:
 * `delay` returns at once and moves the clock on, so BUSY timeouts are tested
 * without waiting. {@link toTraceEvents} turns the log into epd-trace/1 events.
 */
export class RecordingHal implements Hal {
  /** Everything asked, in order. Bytes are copied when written. */
  readonly ops: HalOp[] = [];
  readonly spi: SpiBus;
  readonly gpio: Gpio;
  readonly clock: HalClock;
  private t = 0;

  constructor(options: RecordingHalOptions = {}) {
    const read = options.read ?? (() => 0);
    const ops = this.ops;
    this.spi = {
      open: () => void ops.push({ op: 'spiOpen' }),
      write: (bytes) => void ops.push({ op: 'spiWrite', bytes: Uint8Array.from(bytes) }),
      close: () => void ops.push({ op: 'spiClose' }),
    };
    this.gpio = {
      output: (pin) => void ops.push({ op: 'output', pin }),
      input: (pin) => void ops.push({ op: 'input', pin }),
      write: (pin, level) => void ops.push({ op: 'write', pin, level }),
      read: (pin) => {
        const level = read(pin, this.t);
        ops.push({ op: 'read', pin, level });
        return level;
      },
    };
    this.clock = {
      delay: async (ms) => {
        ops.push({ op: 'delay', ms });
        this.t += ms;
      },
      now: () => this.t,
    };
  }

  /** Every SPI byte sent, in order, with the DC level it went out with. */
  spiBytes(dcPin: number): { dc: Level; value: number }[] {
    let dc: Level = 0;
    const out: { dc: Level; value: number }[] = [];
    for (const op of this.ops) {
      if (op.op === 'write' && op.pin === dcPin) dc = op.level;
      if (op.op === 'spiWrite') for (const value of op.bytes) out.push({ dc, value });
    }
    return out;
  }
}
