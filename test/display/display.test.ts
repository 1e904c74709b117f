import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { DEFAULT_PINS } from '../../epd/hal.ts';
import { RecordingHal } from '../../epd/recording-hal.ts';
import { toTraceEvents, type TraceEvent } from '../../epd/trace.ts';
import type { DisplayConfig } from '../../src/config/types.ts';
import { Display, type DisplayOptions } from '../../src/display/display.ts';
import { rasterizeInProcess } from '../../src/display/rasterize.ts';
import type { ScreenState } from '../../src/display/screen-state.ts';
import { silentLogger } from '../../src/log.ts';
import { NOW, STATES, displayConfig, node } from './fixtures.ts';

function setUp(t: { teardown: (fn: () => void) => void }, over: Partial<DisplayOptions> = {}, busy: 0 | 1 | (() => 0 | 1) = 0, hal = new RecordingHal({ read: () => (typeof busy === 'number' ? busy : busy()) })) {
  const dataDir = mkdtempSync(join(tmpdir(), 'display-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const clock = { now: NOW };
  let state: ScreenState = STATES.alerts;
  const display = new Display({
    config: displayConfig(), dataDir, log: silentLogger, hal, now: () => clock.now, getState: () => state, timeZone: 'UTC', ...over,
  });
  const refreshes = () => toTraceEvents(hal.ops, DEFAULT_PINS).filter((e) => 'module_init' in e).length;
  return { display, hal, clock, dataDir, refreshes, setState: (s: ScreenState) => { state = s; } };
}

test('three-colour panel: full refresh at once, then none before 180 s, then only on change', async (t) => {
  const { display, clock, dataDir, refreshes, setState } = setUp(t);
  t.deepEqual(await display.tick(), { pngWritten: true, action: 'full' });
  t.true(existsSync(join(dataDir, 'screen.png')));
  t.is(refreshes(), 1);

  setState({ ...STATES.alerts, nodes: [...STATES.alerts.nodes, node('Hall', 9)] });
  clock.now += 60_000;
  t.deepEqual(await display.tick(), { pngWritten: true, action: 'none' }, 'changed, but too soon: PNG only');
  clock.now += 120_000;
  t.deepEqual(await display.tick(), { pngWritten: true, action: 'full' });
  clock.now += 600_000;
  const same = await display.tick();
  t.is(same.action, 'none', 'unchanged picture, only the clock moved');
  t.is(refreshes(), 2);
});

const BW = { panel: '2in13_v4', fullRefreshEvery: 2, busyTimeoutMs: 10_000 } as const;
// Many ticks each: rasterised in the test's process, not a child per picture (the child is covered above).
const bw = (over: Partial<DisplayConfig> = {}): Partial<DisplayOptions> => ({ config: displayConfig({ ...BW, ...over }), rasterize: rasterizeInProcess });
const temperature = (i: number): ScreenState => ({
  ...STATES.alerts, nodes: STATES.alerts.nodes.map((n) => ({ ...n, latest: { ...n.latest, temperature: 20 + i } })),
});
const cmds = (events: readonly TraceEvent[]): number[] => events.flatMap((e) => ('cmd' in e ? [e.cmd] : []));
const updates = (events: readonly TraceEvent[]): number[] =>
  events.flatMap((e, i) => ('cmd' in e && e.cmd === 0x22 ? [(events[i + 1] as { data: number[] }).data[0]] : []));
const planeCmds = (events: readonly TraceEvent[]): number[] =>
  events.flatMap((e, i) => ('data' in e && e.data.length === 4000 ? [(events[i - 1] as { cmd: number }).cmd] : []));

test('black/white panel: the full refresh lays the base into both RAM banks once; partials send only the new picture, with no flash', async (t) => {
  const { display, clock, hal, setState } = setUp(t, bw());
  const ticks: { action: string; events: TraceEvent[] }[] = [];
  for (let i = 0; i < 5; i++) {
    setState(temperature(i));
    const from = hal.ops.length;
    const { action } = await display.tick();
    ticks.push({ action, events: toTraceEvents(hal.ops.slice(from), DEFAULT_PINS) });
    clock.now += 180_000;
  }
  t.deepEqual(ticks.map((x) => x.action), ['full', 'partial', 'partial', 'full', 'partial']);
  for (const [i, { action, events }] of ticks.entries()) {
    if (action === 'full') {
      t.deepEqual(planeCmds(events), [0x24, 0x26], `tick ${i}: the base into both banks`);
      const [bank24, bank26] = events.filter((e) => 'data' in e && e.data.length === 4000);
      t.deepEqual(bank24, bank26, `tick ${i}: the same picture in both banks`);
      t.deepEqual(updates(events), [0xf7], `tick ${i}`);
      t.true(cmds(events).includes(0x12), `tick ${i}: init`);
    } else {
      t.deepEqual(planeCmds(events), [0x24], `tick ${i}: the new picture only`);
      t.deepEqual(updates(events), [0xff], `tick ${i}: no 0x22 F7 in a partial`);
      t.false(cmds(events).includes(0x12), `tick ${i}: no init`);
      t.deepEqual(events[0], { reset: [0, 1], hold_ms: [1, 0] }, `tick ${i}: woken by a RST pulse`);
    }
    t.false(events.some((e) => 'module_exit' in e && i !== 3), `tick ${i}: the panel sleeps powered, keeping its RAM`);
    t.deepEqual(cmds(events).at(-1), 0x10, `tick ${i}: ends in deep sleep`);
  }
  t.deepEqual(ticks[3].events[0], { module_exit: true }, 'the next full refresh starts from the power off');
  await display.stop();
  t.deepEqual(toTraceEvents(hal.ops, DEFAULT_PINS).at(-1), { module_exit: true }, 'stop cuts the power');
});

test('black/white panel after a restart: RAM unknown, so the first refresh is a full one with the base, even with a panel left powered', async (t) => {
  const first = setUp(t, bw());
  await first.display.tick();
  const from = first.hal.ops.length; // killed: no stop(), the panel sleeps powered
  const { display } = setUp(t, bw(), 0, first.hal);
  t.is((await display.tick()).action, 'full');
  const events = toTraceEvents(first.hal.ops.slice(from), DEFAULT_PINS);
  t.deepEqual(events[0], { module_init: true });
  t.deepEqual(planeCmds(events), [0x24, 0x26]);
});

test('black/white panel with fullRefreshEvery 0: Waveshare\'s display() (0x24 only) and the power cut after every refresh', async (t) => {
  const { display, hal } = setUp(t, bw({ fullRefreshEvery: 0 }));
  t.is((await display.tick()).action, 'full');
  const events = toTraceEvents(hal.ops, DEFAULT_PINS);
  t.deepEqual(planeCmds(events), [0x24]);
  t.deepEqual(events.at(-1), { module_exit: true });
});

test('a failed partial refresh is retried after minRefreshS as a full one, even when the picture did not change', async (t) => {
  let busy: 0 | 1 = 0;
  const { display, clock, hal, setState } = setUp(t, bw({ busyTimeoutMs: 1000 }), () => busy);
  await display.tick();
  clock.now += 180_000;
  setState(temperature(1));
  busy = 1;
  t.is((await display.tick()).action, 'partial');
  busy = 0;
  clock.now += 180_000;
  const from = hal.ops.length;
  t.is((await display.tick()).action, 'full');
  t.deepEqual(planeCmds(toTraceEvents(hal.ops.slice(from), DEFAULT_PINS)), [0x24, 0x26]);
});

test('quiet hours hold the panel but not the PNG', async (t) => {
  const { display } = setUp(t, { config: displayConfig({ quietHours: { from: '14:00', to: '15:00' } }) });
  t.deepEqual(await display.tick(), { pngWritten: true, action: 'none' });
});

test('a minRefreshS below 180 s on a three-colour panel is refused with a clear message', (t) => {
  const { display } = setUp(t, { config: displayConfig({ minRefreshS: 60 }) });
  t.throws(() => display.start(), { message: /display\.minRefreshS: 60 s is below 180 s.*2in13b_v4/ });
});

test('a panel whose BUSY never clears is logged and the display keeps drawing the PNG', async (t) => {
  const lines: string[] = [];
  const log = pino({ level: 'error' }, { write: (s: string) => void lines.push(s) });
  const { display, clock, dataDir } = setUp(t, { log, config: displayConfig({ busyTimeoutMs: 1000 }) }, 1);
  t.deepEqual(await display.tick(), { pngWritten: true, action: 'full' });
  t.regex(lines.join(''), /EPD_BUSY_TIMEOUT/);
  t.regex(lines.join(''), /e-ink refresh failed/);
  clock.now += 180_000;
  t.is((await display.tick(true)).pngWritten, true);
  t.true(existsSync(join(dataDir, 'screen.png')));
});

test('without panel hardware (this machine) start() logs why and the PNG is still written', async (t) => {
  if (existsSync('/proc/device-tree/model')) return t.pass('on a Pi: rpio may open');
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const { display, dataDir } = setUp(t, { log, hal: undefined });
  display.start();
  await display.stop();
  const result = await display.refreshNow();
  t.is(result.action, 'none');
  t.regex(lines.join(''), /e-ink panel unavailable; drawing the PNG only/);
  t.regex(lines.join(''), /not a Raspberry Pi/);
  const meta = await sharp(readFileSync(join(dataDir, 'screen.png'))).metadata();
  t.deepEqual([meta.width, meta.height], [250, 122]);
});

test('panel none: PNG only, portrait size on request', async (t) => {
  const { display, dataDir } = setUp(t, { config: displayConfig({ panel: 'none', orientation: 'portrait' }) });
  t.deepEqual(await display.refreshNow(), { pngWritten: true, action: 'none' });
  const meta = await sharp(join(dataDir, 'screen.png')).metadata();
  t.deepEqual([meta.width, meta.height], [122, 250]);
});

test('paging: a new page is a change, the clock is not; with one page a new page window is no change', async (t) => {
  const { display, clock, dataDir, setState } = setUp(t, { config: displayConfig({ panel: 'none' }), rasterize: rasterizeInProcess });
  const png = () => readFileSync(join(dataDir, 'screen.png'));
  // A page lasts minRefreshS (180 s); many-rooms needs 3 pages in landscape. Start on page 1 of 3, not 0.
  const pageMs = 180_000;
  clock.now = Math.ceil(NOW / (3 * pageMs)) * 3 * pageMs + pageMs;
  setState(STATES['many-rooms']);
  t.true((await display.tick()).pngWritten);
  const first = png();
  clock.now += 120_000;
  t.false((await display.tick()).pngWritten, 'same page, only the clock moved');
  clock.now += 60_000;
  t.true((await display.tick()).pngWritten, 'the next page');
  t.notDeepEqual(png(), first);
  setState(STATES['one-room']);
  t.true((await display.tick()).pngWritten);
  clock.now += pageMs;
  t.false((await display.tick()).pngWritten, 'one page: the page window does not matter');
});
