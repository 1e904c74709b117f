import type { Logger } from '../src/log.ts';
import { silentLogger } from '../src/log.ts';
import { DEFAULT_PINS, realClock, type EpdPins, type Hal, type HalClock } from './hal.ts';
import { EpdError } from './epd-error.ts';
import { planeBytes, type PanelModel, type PlaneName, type Step } from './panel-model.ts';
import { blankPlane } from './pack.ts';

/** Packed planes for one refresh (see epd/pack.ts): 1 = white / no red, rows MSB first. */
export interface Frame {
  /** Black plane, `planeBytes(panel)` bytes. */
  black: Uint8Array;
  /** Red plane (three-colour panels only); default: no red. */
  red?: Uint8Array;
}

/** Options of {@link EpdDriver}. */
export interface EpdDriverOptions {
  /** BCM pins; default {@link DEFAULT_PINS}. */
  pins?: EpdPins;
  /** Longest wait for BUSY in ms before `EPD_BUSY_TIMEOUT`; default the panel's (60 000 three-colour, 10 000 B/W). */
  busyTimeoutMs?: number;
  log?: Logger;
}

/**
 * What {@link EpdDriver.refresh} does:
 * - `full`: Waveshare's `init(); display(); sleep()`, ending with the power off;
 * - `base` (B/W V4): `init(); displayPartBaseImage()`, a full update that also
 *   puts the picture into the controller's "old image" RAM, then deep sleep with
 *   the power kept on so partials can follow;
 * - `partial` (after a `base`): `displayPartial()` only, no init and no flash,
 *   then deep sleep again with the power on.
 */
export type RefreshMode = 'full' | 'base' | 'partial';

/** Options of {@link EpdDriver.refresh}. */
export interface RefreshOptions {
  /** Default `full`. */
  mode?: RefreshMode;
}

/**
 * Drives one Waveshare panel through a {@link Hal}. Every refresh ends in deep
 * sleep, because Waveshare warns that a panel left awake is damaged. A `full`
 * refresh then cuts the power as Waveshare's `sleep()` does; `base` and
 * `partial` leave it on, because the SSD1680 keeps its RAM in deep sleep mode 1
 * only while powered, and the partial waveform draws against the picture in it.
 */
export class EpdDriver {
  readonly panel: PanelModel;
  private readonly hal: Hal;
  private readonly clock: HalClock;
  private readonly pins: EpdPins;
  private readonly busyTimeoutMs: number;
  private readonly log: Logger;
  private pinsReady = false;
  private moduleOpen = false;
  private baseInRam = false;

  constructor(panel: PanelModel, hal: Hal, options: EpdDriverOptions = {}) {
    this.panel = panel;
    this.hal = hal;
    this.clock = hal.clock ?? realClock;
    this.pins = options.pins ?? DEFAULT_PINS;
    this.busyTimeoutMs = options.busyTimeoutMs ?? panel.busyTimeoutMs;
    this.log = options.log ?? silentLogger;
  }

  /**
   * True while the panel sleeps powered with the last picture in its RAM (after
   * a successful `base` or `partial`), i.e. while a `partial` refresh may run.
   * False after a `full` refresh, a failure, {@link powerOff} and in a new process.
   */
  get partialReady(): boolean {
    return this.baseInRam;
  }

  /** Shows `frame` as `options.mode` says, then puts the panel to sleep. */
  async refresh(frame: Frame, options: RefreshOptions = {}): Promise<void> {
    const mode = options.mode ?? 'full';
    const planes = this.checkFrame(frame, mode);
    const steps = this.stepsFor(mode);
    this.setUpPins();
    const started = this.clock.now();
    this.baseInRam = false;
    // init() starts with module_init: from the power off, as after Waveshare's sleep().
    if (mode !== 'partial' && this.moduleOpen) this.moduleExit();
    try {
      await this.run(steps, planes);
    } catch (error) {
      await this.powerDownAfter(error);
      throw error;
    }
    this.baseInRam = mode !== 'full';
    this.log.debug({ panel: this.panel.name, mode, ms: Math.round(this.clock.now() - started) }, 'epd refreshed');
  }

  /**
   * Cuts the panel's power (Waveshare's `module_exit`), e.g. when the gateway
   * stops. The panel already sleeps; its RAM is lost, the picture stays on the glass.
   */
  powerOff(): void {
    this.baseInRam = false;
    if (this.moduleOpen) this.moduleExit();
  }

  private stepsFor(mode: RefreshMode): readonly Step[] {
    const { panel } = this;
    const partial = panel.partial;
    if (mode === 'full' || !partial) return [...panel.init, ...panel.display, ...panel.sleep];
    if (mode === 'base') return [...panel.init, ...partial.base, ...partial.hold];
    return [...partial.update, ...partial.hold];
  }

  private checkFrame(frame: Frame, mode: RefreshMode): Record<PlaneName, Uint8Array> {
    const { panel } = this;
    if (frame.red && !panel.hasRed) throw this.sizeError('a red plane was given but the panel has no red');
    if (mode !== 'full' && !panel.partial) {
      throw new EpdError('EPD_NO_PARTIAL', `epd ${panel.name}: partial refresh is not supported (only mode "full")`);
    }
    if (mode === 'partial' && !this.baseInRam) {
      throw new EpdError(
        'EPD_NO_PARTIAL',
        `epd ${panel.name}: a partial refresh needs the last picture in the panel's RAM; do a "base" refresh first (power was off, or the last refresh was full or failed)`,
      );
    }
    const planes = { black: frame.black, red: frame.red ?? blankPlane(panel) };
    for (const [name, plane] of Object.entries(planes)) {
      if (plane.length !== planeBytes(panel)) {
        throw this.sizeError(`${name} plane has ${plane.length} bytes, expected ${planeBytes(panel)} (${panel.width}×${panel.height})`);
      }
    }
    return planes;
  }

  private sizeError(what: string): EpdError {
    return new EpdError('EPD_IMAGE_SIZE', `epd ${this.panel.name}: ${what}`);
  }

  private setUpPins(): void {
    if (this.pinsReady) return;
    const { gpio } = this.hal;
    gpio.output(this.pins.rst);
    gpio.output(this.pins.dc);
    gpio.output(this.pins.pwr);
    gpio.input(this.pins.busy);
    this.pinsReady = true;
  }

  private async run(steps: readonly Step[], planes: Record<PlaneName, Uint8Array>): Promise<void> {
    for (const step of steps) {
      switch (step.op) {
        case 'moduleInit':
          this.hal.gpio.write(this.pins.pwr, 1);
          this.hal.spi.open();
          this.moduleOpen = true;
          break;
        case 'moduleExit':
          this.moduleExit();
          break;
        case 'reset':
          for (let i = 0; i < step.levels.length; i++) {
            this.hal.gpio.write(this.pins.rst, step.levels[i]);
            if (step.holdMs[i] > 0) await this.clock.delay(step.holdMs[i]);
          }
          break;
        case 'cmd':
          this.command(step.cmd);
          if (step.data) this.data(Uint8Array.from(step.data));
          break;
        case 'plane':
          this.command(step.cmd);
          this.data(planes[step.plane]);
          break;
        case 'waitBusy':
          await this.waitBusy();
          break;
        case 'delay':
          await this.clock.delay(step.ms);
          break;
      }
    }
  }

  private command(byte: number): void {
    this.hal.gpio.write(this.pins.dc, 0);
    this.hal.spi.write(Uint8Array.of(byte));
  }

  private data(bytes: Uint8Array): void {
    this.hal.gpio.write(this.pins.dc, 1);
    this.hal.spi.write(bytes);
  }

  /** Polls like Waveshare's Python ReadBusy, but gives up after the timeout. */
  private async waitBusy(): Promise<void> {
    const { panel, pins, clock } = this;
    const started = clock.now();
    if (panel.busyPollCmd !== undefined) this.command(panel.busyPollCmd);
    while (this.hal.gpio.read(pins.busy) !== panel.busyIdle) {
      if (clock.now() - started >= this.busyTimeoutMs) {
        throw new EpdError(
          'EPD_BUSY_TIMEOUT',
          `epd ${panel.name}: BUSY (GPIO ${pins.busy}) still at busy level ${1 - panel.busyIdle} after ${this.busyTimeoutMs} ms; ` +
            'is the panel connected and the right model configured?',
          { retryable: true },
        );
      }
      if (panel.busyPollCmd !== undefined) this.command(panel.busyPollCmd);
      await clock.delay(panel.busyPollMs);
    }
  }

  private moduleExit(): void {
    if (this.moduleOpen) this.hal.spi.close();
    this.moduleOpen = false;
    this.hal.gpio.write(this.pins.rst, 0);
    this.hal.gpio.write(this.pins.dc, 0);
    this.hal.gpio.write(this.pins.pwr, 0);
  }

  /**
   * After a failure: a proper sleep if the panel still answers, and at least
   * its power cut (a stuck BUSY would only time out again inside sleep()).
   */
  private async powerDownAfter(error: unknown): Promise<void> {
    this.log.warn({ panel: this.panel.name, err: error }, 'epd refresh failed; powering the panel down');
    if (error instanceof EpdError && error.code === 'EPD_BUSY_TIMEOUT') {
      this.moduleExit();
      return;
    }
    try {
      await this.run(this.panel.sleep, { black: new Uint8Array(), red: new Uint8Array() });
    } catch {
      this.moduleExit();
    }
  }
}
