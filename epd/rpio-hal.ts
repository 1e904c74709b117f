// The only file in the project that loads rpio.
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Rpio from 'rpio';
import { EpdError } from './epd-error.ts';
import { realClock, type Hal, type Level } from './hal.ts';

/** Options of {@link openRpioHal}. */
export interface RpioHalOptions {
  /**
   * SPI clock divider of the VPU core clock (even). Default 100: 4 MHz at the
   * Pi 3 / Zero 2 W core clock of 400 MHz and 2.5 MHz when it idles at 250 MHz,
   * so never above Waveshare's 4 MHz whatever the clock does.
   */
  spiClockDivider?: number;
  /** rpio's dry-run mode (e.g. `raspi-3`), for tests on a machine without GPIO; default off. */
  mock?: 'raspi-3' | 'raspi-zero-w';
}

/** Default {@link RpioHalOptions.spiClockDivider}. */
export const DEFAULT_SPI_CLOCK_DIVIDER = 100;

/**
 * Opens GPIO and SPI0 (CE0, mode 0) through rpio with BCM numbering. SPI with
 * rpio maps the peripherals through `/dev/mem`, so the process must run as root
 * (rpio's `gpiomem` mode gives GPIO only). Throws `EPD_NO_HARDWARE` naming the
 * reason instead of letting rpio fall back to mock mode on a non-Pi machine.
 */
export function openRpioHal(options: RpioHalOptions = {}): Hal {
  if (!options.mock) checkHardware();
  // Loaded here, not at import: a gateway without a panel (or not on a Pi) never maps rpio's module or its addon.
  const rpio = createRequire(import.meta.url)('rpio') as typeof Rpio;
  const warnings: string[] = [];
  rpio.on('warn', (message: string) => void warnings.push(message));
  try {
    rpio.init({ gpiomem: false, mapping: 'gpio', mock: options.mock, close_on_exit: true });
  } catch (error) {
    throw new EpdError('EPD_NO_HARDWARE', `epd: rpio could not map the GPIO/SPI registers through /dev/mem (${String(error)})`, { cause: error });
  }
  if (!options.mock && warnings.length > 0) {
    throw new EpdError('EPD_NO_HARDWARE', `epd: rpio fell back to mock mode: ${warnings.join('; ')}`);
  }
  const divider = options.spiClockDivider ?? DEFAULT_SPI_CLOCK_DIVIDER;
  return {
    spi: {
      open() {
        rpio.spiBegin();
        rpio.spiChipSelect(0);
        rpio.spiSetCSPolarity(0, rpio.LOW);
        rpio.spiSetClockDivider(divider);
        rpio.spiSetDataMode(0);
      },
      write(bytes) {
        const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        rpio.spiWrite(buffer, buffer.length);
      },
      close: () => rpio.spiEnd(),
    },
    gpio: {
      output: (pin) => rpio.open(pin, rpio.OUTPUT, rpio.LOW),
      input: (pin) => rpio.open(pin, rpio.INPUT, rpio.PULL_DOWN),
      write: (pin, level) => rpio.write(pin, level),
      read: (pin) => (rpio.read(pin) ? 1 : 0) as Level,
    },
    clock: realClock,
  };
}

function checkHardware(): void {
  let model = '';
  try {
    model = readFileSync('/proc/device-tree/model', 'ascii').replace(/\0+$/, '');
  } catch {
    throw new EpdError('EPD_NO_HARDWARE', 'epd: not a Raspberry Pi (/proc/device-tree/model is missing)');
  }
  if (!model.startsWith('Raspberry Pi')) throw new EpdError('EPD_NO_HARDWARE', `epd: not a Raspberry Pi ("${model}")`);
  try {
    accessSync('/dev/mem', constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new EpdError('EPD_NO_HARDWARE', `epd: SPI through rpio needs /dev/mem, i.e. running as root (${String(error)})`, { cause: error });
  }
}
