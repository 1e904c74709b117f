import type { PanelModel, PanelName, Step } from './panel-model.ts';
import { EpdError } from './epd-error.ts';

// Sequences from Waveshare's Python drivers at commit 86aa993, as transcribed in
// test/fixtures/epd-traces/README.md and checked byte for byte against those traces.

const cmd = (c: number, ...data: number[]): Step => (data.length ? { op: 'cmd', cmd: c, data } : { op: 'cmd', cmd: c });
const WAIT: Step = { op: 'waitBusy' };

/** SSD1680 RAM window for 122×250: X bytes 0..15, Y 0..249, counters at 0,0 (epd.md 4.1). */
const SSD1680_WINDOW: readonly Step[] = [
  cmd(0x01, 0xf9, 0x00, 0x00), // 250 gate lines
  cmd(0x11, 0x03), // X+, Y+, X first
  cmd(0x44, 0x00, 0x0f),
  cmd(0x45, 0x00, 0x00, 0xf9, 0x00),
  cmd(0x4e, 0x00),
  cmd(0x4f, 0x00, 0x00),
];

const SSD1680_RESET: Step = { op: 'reset', levels: [1, 0, 1], holdMs: [20, 2, 20] };

/**
 * Deep sleep mode 1 (0x10 01): the SSD1680 keeps its RAM while powered and wakes
 * only on a hardware reset (SSD1680 datasheet, command 0x10). The 2 s are
 * Waveshare's, before the power may be cut.
 */
const SSD1680_DEEP_SLEEP: readonly Step[] = [cmd(0x10, 0x01), { op: 'delay', ms: 2000 }];

/** Waveshare's `sleep()`: deep sleep, then `module_exit` cuts the HAT's 5 V, and with it the RAM. */
const SSD1680_SLEEP: readonly Step[] = [...SSD1680_DEEP_SLEEP, { op: 'moduleExit' }];

/** Waveshare 2.13" e-Paper HAT (B) V4: SSD1680, black/white/red, 122×250. */
export const EPD_2IN13B_V4: PanelModel = {
  name: '2in13b_v4',
  upstream: 'epd2in13b_V4',
  width: 122,
  height: 250,
  hasRed: true,
  busyIdle: 0,
  busyPollMs: 10,
  busyTimeoutMs: 60_000,
  minRefreshS: 180,
  init: [
    { op: 'moduleInit' }, SSD1680_RESET, WAIT, cmd(0x12), WAIT, ...SSD1680_WINDOW,
    cmd(0x3c, 0x05), cmd(0x18, 0x80),
    cmd(0x21, 0x80, 0x80), // red RAM inverted: host sends 1 = no red
    WAIT,
  ],
  // No 0x22: the (B) driver relies on the value SWRESET restores (epd.md 9.2).
  display: [{ op: 'plane', cmd: 0x24, plane: 'black' }, { op: 'plane', cmd: 0x26, plane: 'red' }, cmd(0x20), WAIT],
  sleep: SSD1680_SLEEP,
};

/** Waveshare 2.13" e-Paper HAT (B) V3: UC8151, black/white/red, 104×212, BUSY low = busy. */
export const EPD_2IN13B_V3: PanelModel = {
  name: '2in13b_v3',
  upstream: 'epd2in13b_V3',
  width: 104,
  height: 212,
  hasRed: true,
  busyIdle: 1,
  busyPollMs: 100,
  busyPollCmd: 0x71,
  busyTimeoutMs: 60_000,
  minRefreshS: 180,
  init: [
    { op: 'moduleInit' }, { op: 'reset', levels: [1, 0, 1], holdMs: [200, 2, 200] },
    cmd(0x04), WAIT, // power on, once per wake-up
    cmd(0x00, 0x0f, 0x89), // KWR mode, LUT from OTP
    cmd(0x61, 0x68, 0x00, 0xd4), // 104 × 212
    cmd(0x50, 0x77),
  ],
  display: [
    { op: 'plane', cmd: 0x10, plane: 'black' }, { op: 'plane', cmd: 0x13, plane: 'red' },
    cmd(0x12), { op: 'delay', ms: 100 }, WAIT,
  ],
  sleep: [cmd(0x50, 0xf7), cmd(0x02), WAIT, cmd(0x07, 0xa5), { op: 'delay', ms: 2000 }, { op: 'moduleExit' }],
};

/** Waveshare 2.13" e-Paper HAT V4: SSD1680, black/white, 122×250, with partial refresh. */
export const EPD_2IN13_V4: PanelModel = {
  name: '2in13_v4',
  upstream: 'epd2in13_V4',
  width: 122,
  height: 250,
  hasRed: false,
  busyIdle: 0,
  busyPollMs: 10,
  busyTimeoutMs: 10_000,
  minRefreshS: 180,
  init: [
    { op: 'moduleInit' }, SSD1680_RESET, WAIT, cmd(0x12), WAIT, ...SSD1680_WINDOW,
    cmd(0x3c, 0x05),
    cmd(0x21, 0x00, 0x80), // before 0x18 here, the reverse of the (B) order (epd.md 9.3)
    cmd(0x18, 0x80),
    WAIT,
  ],
  // display(): used when no partial follows (fullRefreshEvery 0); writes 0x24 only.
  display: [{ op: 'plane', cmd: 0x24, plane: 'black' }, cmd(0x22, 0xf7), cmd(0x20), WAIT],
  partial: {
    // displayPartBaseImage: the picture into both RAM banks (0x26 is the "old"
    // image the partial waveform compares with), then a full update.
    base: [{ op: 'plane', cmd: 0x24, plane: 'black' }, { op: 'plane', cmd: 0x26, plane: 'black' }, cmd(0x22, 0xf7), cmd(0x20), WAIT],
    // displayPartial: a 1 ms RST pulse (wakes the controller from deep sleep, RAM
    // kept) with no BUSY wait, border to VCOM, the window again, the new picture
    // into 0x24 only, display mode 2 (0x22 FF). No SWRESET, no init.
    update: [
      { op: 'reset', levels: [0, 1], holdMs: [1, 0] },
      cmd(0x3c, 0x80), ...SSD1680_WINDOW,
      { op: 'plane', cmd: 0x24, plane: 'black' }, cmd(0x22, 0xff), cmd(0x20), WAIT,
    ],
    hold: SSD1680_DEEP_SLEEP,
  },
  sleep: SSD1680_SLEEP,
};

/** The supported panels by config name. */
export const PANELS: Readonly<Record<PanelName, PanelModel>> = {
  '2in13b_v4': EPD_2IN13B_V4,
  '2in13b_v3': EPD_2IN13B_V3,
  '2in13_v4': EPD_2IN13_V4,
};

/** Looks a panel up by config name; throws `EPD_UNKNOWN_PANEL` naming the choices. */
export function panelByName(name: string): PanelModel {
  const panel = (PANELS as Record<string, PanelModel | undefined>)[name];
  if (!panel) {
    throw new EpdError('EPD_UNKNOWN_PANEL', `epd: unknown panel "${name}" (one of ${Object.keys(PANELS).join(', ')})`);
  }
  return panel;
}
