import type { Level } from './hal.ts';

/** Which picture a {@link Step} of kind `plane` sends. */
export type PlaneName = 'black' | 'red';

/**
 * One step of a command sequence. Sequences are data so that each panel's
 * difference from Waveshare's driver is visible in one table (epd/panels.ts).
 */
export type Step =
  /** Waveshare's `module_init`: PWR high, SPI open. */
  | { readonly op: 'moduleInit' }
  /** Waveshare's `module_exit`: SPI closed, RST, DC and PWR low. */
  | { readonly op: 'moduleExit' }
  /** RST written to each level in turn, waiting `holdMs[i]` ms after each (0 = none). */
  | { readonly op: 'reset'; readonly levels: readonly Level[]; readonly holdMs: readonly number[] }
  /** A command byte (DC low) and its parameter bytes (DC high). */
  | { readonly op: 'cmd'; readonly cmd: number; readonly data?: readonly number[] }
  /** A command byte followed by a whole plane as data. */
  | { readonly op: 'plane'; readonly cmd: number; readonly plane: PlaneName }
  /** Wait until BUSY reads idle (with the panel's poll command and the driver's timeout). */
  | { readonly op: 'waitBusy' }
  /** A plain wait in ms. */
  | { readonly op: 'delay'; readonly ms: number };

/** Config names of the supported panels. */
export type PanelName = '2in13b_v4' | '2in13b_v3' | '2in13_v4';

/** Everything the driver needs to know about one panel. */
export interface PanelModel {
  readonly name: PanelName;
  /** Waveshare's driver module the sequences follow, e.g. `epd2in13b_V4`. */
  readonly upstream: string;
  /** Native width in px: the short side, along a row (source lines). */
  readonly width: number;
  /** Native height in px: the long side (gate lines). */
  readonly height: number;
  /** True for black/white/red panels. */
  readonly hasRed: boolean;
  /** BUSY level meaning idle (SSD1680: 0, UC8151: 1). */
  readonly busyIdle: Level;
  /** Time between BUSY polls in ms (Waveshare's Python drivers). */
  readonly busyPollMs: number;
  /** Command sent before the first BUSY read and before each re-poll (UC8151: 0x71 Get Status). */
  readonly busyPollCmd?: number;
  /** Default BUSY timeout in ms: generous against a 15 s / 2 s refresh. */
  readonly busyTimeoutMs: number;
  /** Shortest time between refreshes Waveshare allows, in s (180 for all three). */
  readonly minRefreshS: number;
  /** Power-up and register set-up: Waveshare's `init()`. */
  readonly init: readonly Step[];
  /** A full refresh of `black` (and `red`): Waveshare's `display()`. */
  readonly display: readonly Step[];
  /** Partial refresh (B/W only); absent on panels without it. */
  readonly partial?: PartialSteps;
  /** Deep sleep and power off: Waveshare's `sleep()`. */
  readonly sleep: readonly Step[];
}

/**
 * The steps of Waveshare's partial refresh, split at the deep sleeps the driver
 * puts between refreshes. The controller keeps its RAM in deep sleep mode 1 as
 * long as it stays powered, and the partial waveform needs the picture on the
 * glass in that RAM, so between `base` and the partials the power stays on.
 */
export interface PartialSteps {
  /**
   * Run after `init`: Waveshare's `displayPartBaseImage(black)`, the picture
   * into both RAM banks (0x24 new, 0x26 old) and a full update (with the flash).
   */
  readonly base: readonly Step[];
  /**
   * Run with no `init`, on a controller that sleeps with a base in its RAM:
   * Waveshare's `displayPartial(black)`, woken by a RST pulse, new picture into
   * 0x24 only, partial update (no flash).
   */
  readonly update: readonly Step[];
  /** After `base` and `update`: Waveshare's `sleep()` without `module_exit`, so the power and RAM stay. */
  readonly hold: readonly Step[];
}

/** Bytes per row: ceil(width / 8). */
export const bytesPerRow = (panel: Pick<PanelModel, 'width'>): number => Math.ceil(panel.width / 8);

/** Bytes per plane: bytesPerRow × height. */
export const planeBytes = (panel: Pick<PanelModel, 'width' | 'height'>): number => bytesPerRow(panel) * panel.height;
