/**
 * Waveshare's epd2in13_V4.py (waveshareteam/e-Paper, commit 86aa993), written
 * out as a table of the calls it makes, independent of epd/: what the
 * reference traces of a partial refresh must contain. Each row is one call of
 * the Python driver (send_command, send_data, ReadBusy, a pin write, a delay,
 * epdconfig.module_init/module_exit), grouped by the driver method it belongs to.
 *
 * `npx tsx test/epd/waveshare-2in13-v4-table.ts CASE > test/fixtures/epd-traces/epd2in13_V4/CASE.json`
 * writes a fixture (CASE one of {@link REFERENCES}); test/epd/partial-reference.test.ts
 * checks each is still this table.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** One call of the Python driver. */
export type Call =
  | { call: 'module_init' | 'module_exit' | 'ReadBusy' }
  | { call: 'rst'; level: 0 | 1 }
  | { call: 'delay_ms'; ms: number }
  | { call: 'send_command'; byte: number }
  | { call: 'send_data'; bytes: readonly number[] };

/** An event of the epd-trace/1 format (test/fixtures/README.md); `reset` keys already in sorted order. */
export type Event =
  | { cmd: number }
  | { data: number[] }
  | { hold_ms: number[]; reset: number[] }
  | { delay_ms: number }
  | { wait_busy: true }
  | { module_init: true }
  | { module_exit: true };

const WIDTH = 122;
const HEIGHT = 250;
const ROW_BYTES = 16; // ceil(122 / 8); x = 122..127 are padding bits, 0 from PIL's tobytes()

const command = (byte: number, ...data: number[]): Call[] =>
  data.length ? [{ call: 'send_command', byte }, { call: 'send_data', bytes: data }] : [{ call: 'send_command', byte }];
const busy: Call = { call: 'ReadBusy' };
const rst = (level: 0 | 1, ms?: number): Call[] => (ms ? [{ call: 'rst', level }, { call: 'delay_ms', ms }] : [{ call: 'rst', level }]);

// SetWindow(0, 0, 121, 249) and SetCursor(0, 0): X in bytes (121 >> 3 = 15), Y low byte first.
const setWindowAndCursor: Call[] = [...command(0x44, 0x00, 0x0f), ...command(0x45, 0x00, 0x00, 0xf9, 0x00), ...command(0x4e, 0x00), ...command(0x4f, 0x00, 0x00)];

/** `init()`: module_init, reset() 20/2/20 ms, SWRESET, driver output, data entry, window, border 0x05, 0x21 00 80, 0x18 80. */
export const init: Call[] = [
  { call: 'module_init' }, ...rst(1, 20), ...rst(0, 2), ...rst(1, 20),
  busy, ...command(0x12), busy,
  ...command(0x01, 0xf9, 0x00, 0x00), ...command(0x11, 0x03), ...setWindowAndCursor,
  ...command(0x3c, 0x05), ...command(0x21, 0x00, 0x80), ...command(0x18, 0x80), busy,
];

/** `TurnOnDisplay()` (0x22 F7) and `TurnOnDisplayPart()` (0x22 FF). */
const turnOn = (mode: number): Call[] => [...command(0x22, mode), ...command(0x20), busy];

/** `display(image)`: 0x24 only, then a full update. */
export const display = (image: Uint8Array): Call[] => [...command(0x24, ...image), ...turnOn(0xf7)];

/** `displayPartBaseImage(image)`: the same picture into both RAM banks, then a full update. */
export const displayPartBaseImage = (image: Uint8Array): Call[] => [
  ...command(0x24, ...image), ...command(0x26, ...image), ...turnOn(0xf7),
];

/** `displayPartial(image)`: RST pulse (no wait after, no BUSY), border to VCOM, registers again, 0x24 only, mode 2. */
export const displayPartial = (image: Uint8Array): Call[] => [
  ...rst(0, 1), ...rst(1),
  ...command(0x3c, 0x80), ...command(0x01, 0xf9, 0x00, 0x00), ...command(0x11, 0x03), ...setWindowAndCursor,
  ...command(0x24, ...image), ...turnOn(0xff),
];

/**
 * The first two lines of `sleep()`, called on their own (`epd.send_command(0x10);
 * epd.send_data(0x01); epdconfig.delay_ms(2000)`): deep sleep mode 1 with the
 * power left on, so the controller keeps its RAM for the next displayPartial.
 */
export const deepSleep: Call[] = [...command(0x10, 0x01), { call: 'delay_ms', ms: 2000 }];

/** `epdconfig.module_exit()`: SPI closed, RST, DC and PWR (the HAT's 5 V) low. */
export const moduleExit: Call[] = [{ call: 'module_exit' }];

/** `sleep()`: deep sleep mode 1, 2 s, module_exit. */
export const sleep: Call[] = [...deepSleep, ...moduleExit];

/** What the reference harness records for `calls`: RST runs with their waits, data bytes merged. */
export function eventsOf(calls: readonly Call[]): Event[] {
  const events: Event[] = [];
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    const last = events.at(-1);
    if (c.call === 'rst') {
      const hold = calls[i + 1]?.call === 'delay_ms' ? (calls[++i] as { ms: number }).ms : 0;
      if (last && 'reset' in last) { last.reset.push(c.level); last.hold_ms.push(hold); }
      else events.push({ hold_ms: [hold], reset: [c.level] });
    } else if (c.call === 'send_data') {
      if (last && 'data' in last) last.data.push(...c.bytes);
      else events.push({ data: [...c.bytes] });
    } else if (c.call === 'send_command') events.push({ cmd: c.byte });
    else if (c.call === 'delay_ms') events.push({ delay_ms: c.ms });
    else if (c.call === 'ReadBusy') events.push({ wait_busy: true });
    else events.push({ [c.call]: true } as Event);
  }
  return events;
}

/** One 122×250 plane as getbuffer() packs it: `ink(x, y)` true = black (bit 0), padding bits 0. */
export function plane(ink: (x: number, y: number) => boolean): Uint8Array {
  const bytes = new Uint8Array(ROW_BYTES * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) if (!ink(x, y)) bytes[y * ROW_BYTES + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return bytes;
}

/** The test picture of every reference trace: black where ((x >> 3) + (y >> 3)) is even. */
export const CHECKER = plane((x, y) => ((x >> 3) + (y >> 3)) % 2 === 0);
/** An all-white picture, e.g. Waveshare's example `Image.new('1', ..., 255)` before its partial clock. */
export const WHITE = plane(() => false);

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** One fixture: its case name, the Python it stands for, and that Python's calls. */
interface Case {
  sequence: string;
  images: string[];
  calls: () => Call[];
}

/** The fixtures this table writes, by case name. */
export const REFERENCES: Readonly<Record<string, Case>> = {
  // Waveshare's example order: no sleep between the base and the partial.
  partial_checker: {
    sequence: 'init(); displayPartBaseImage(getbuffer(white)); displayPartial(getbuffer(checker_black)); sleep()',
    images: ['122x250/white', '122x250/checker'],
    calls: () => [...init, ...displayPartBaseImage(WHITE), ...displayPartial(CHECKER), ...sleep],
  },
  // The gateway's order: the panel sleeps (powered, RAM kept) between refreshes.
  partial_session_checker: {
    sequence:
      'init(); displayPartBaseImage(getbuffer(white)); send_command(0x10); send_data(0x01); delay_ms(2000); ' +
      'displayPartial(getbuffer(checker_black)); sleep()',
    images: ['122x250/white', '122x250/checker'],
    calls: () => [...init, ...displayPartBaseImage(WHITE), ...deepSleep, ...displayPartial(CHECKER), ...sleep],
  },
};

/** The whole epd-trace/1 file of one of {@link REFERENCES}. */
export function referenceFile(name: string): Record<string, unknown> {
  const c = REFERENCES[name];
  if (!c) throw new Error(`no reference case "${name}" (one of ${Object.keys(REFERENCES).join(', ')})`);
  const events = eventsOf(c.calls());
  const stream = createHash('sha256');
  const commands: number[] = [];
  const blocks: number[] = [];
  for (const e of events) {
    if ('cmd' in e) { stream.update(Uint8Array.of(0, e.cmd)); commands.push(e.cmd); }
    if ('data' in e) { stream.update(Uint8Array.from(e.data.flatMap((b) => [1, b]))); blocks.push(e.data.length); }
  }
  const counts: Record<string, number> = {};
  for (const cmd of [...commands].sort((a, b) => a - b)) counts[hex(cmd)] = (counts[hex(cmd)] ?? 0) + 1;
  return {
    format: 'epd-trace/1',
    driver: 'epd2in13_V4',
    upstream_path: 'RaspberryPi_JetsonNano/python/lib/waveshare_epd/epd2in13_V4.py',
    upstream_commit: '86aa9932f471a50157cf02fafadc2c1b4a965449',
    controller: 'SSD1680 (Solomon Systech)',
    case: name,
    sequence: c.sequence,
    note: 'written out from a table of the driver\'s calls (test/epd/waveshare-2in13-v4-table.ts), not recorded from a run',
    images: c.images,
    width: WIDTH,
    height: HEIGHT,
    busy_idle_level: 0,
    busy_active_level: 1,
    spi_bytes: commands.length + blocks.reduce((a, b) => a + b, 0),
    stream_sha256: stream.digest('hex'),
    // Keys are already sorted (hold_ms before reset), so plain JSON is the canonical form.
    events_sha256: createHash('sha256').update(JSON.stringify(events), 'utf8').digest('hex'),
    command_counts: counts,
    command_order: commands.map(hex),
    data_block_lengths: blocks,
    events,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(referenceFile(process.argv[2] ?? 'partial_checker'))}\n`);
}
