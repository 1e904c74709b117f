/**
 * The hardware the panel driver needs, as three small interfaces: an SPI bus
 * that only writes (the HAT has no MISO), four GPIO lines, and a clock. The one
 * real implementation is epd/rpio-hal.ts; tests use epd/recording-hal.ts.
 */

/** A logic level on a GPIO line. */
export type Level = 0 | 1;

/** Write-only SPI bus; chip select is driven by the SPI hardware (CE0). */
export interface SpiBus {
  /** Claims the bus (Waveshare's `module_init`: SPI0 CE0, 4 MHz, mode 0, MSB first). */
  open(): void;
  /** Sends bytes in one transfer, chip select held for the whole buffer. */
  write(bytes: Uint8Array): void;
  /** Releases the bus. */
  close(): void;
}

/** GPIO lines by BCM number. */
export interface Gpio {
  /** Makes `pin` an output, driven low. */
  output(pin: number): void;
  /** Makes `pin` an input with the pull-down on (Waveshare: `Button(pull_up=False)`). */
  input(pin: number): void;
  write(pin: number, level: Level): void;
  read(pin: number): Level;
}

/** Time, injectable so waits run without sleeping in tests. */
export interface HalClock {
  /** Resolves after `ms` milliseconds. */
  delay(ms: number): Promise<void>;
  /** Monotonic milliseconds, used for the BUSY timeout. */
  now(): number;
}

/** What a panel driver is given. `clock` defaults to {@link realClock}. */
export interface Hal {
  spi: SpiBus;
  gpio: Gpio;
  clock?: HalClock;
}

/** BCM pin numbers of the HAT. */
export interface EpdPins {
  /** Reset, output, active low. Default 17. */
  rst: number;
  /** Data/command select, output: low = command, high = data. Default 25. */
  dc: number;
  /** BUSY from the controller, input. Default 24. */
  busy: number;
  /** Power switch of newer HAT revisions, output, high = on. Default 18. */
  pwr: number;
}

/** Waveshare's pins (epdconfig.py). */
export const DEFAULT_PINS: Readonly<EpdPins> = Object.freeze({ rst: 17, dc: 25, busy: 24, pwr: 18 });

/** Real time: `setTimeout` and `performance.now()`. */
export const realClock: HalClock = {
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};
