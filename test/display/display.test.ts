import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { DEFAULT_PINS } from '../../epd/hal.ts';
import { RecordingHal } from '../../epd/recording-hal.ts';
import { toTraceEvents } from '../../epd/trace.ts';
import { Display, type DisplayOptions } from '../../src/display/display.ts';
import type { ScreenState } from '../../src/display/screen-state.ts';
import { silentLogger } from '../../src/log.ts';
import { NOW, STATES, displayConfig, node } from './fixtures.ts';

function setUp(t: { teardown: (fn: () => void) => void }, over: Partial<DisplayOptions> = {}, busy: 0 | 1 = 0) {
  const dataDir = mkdtempSync(join(tmpdir(), 'display-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const clock = { now: NOW };
  let state: ScreenState = STATES.alerts;
  const hal = new RecordingHal({ read: () => busy });
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

test('black/white panel: partial refreshes, a full one every fullRefreshEvery, partial over the previous picture', async (t) => {
  const { display, clock, hal, setState } = setUp(t, { config: displayConfig({ panel: '2in13_v4', fullRefreshEvery: 2, busyTimeoutMs: 10_000 }) });
  const actions: string[] = [];
  for (let i = 0; i < 5; i++) {
    setState({ ...STATES.alerts, nodes: STATES.alerts.nodes.map((n) => ({ ...n, latest: { ...n.latest, temperature: 20 + i } })) });
    actions.push((await display.tick()).action);
    clock.now += 180_000;
  }
  t.deepEqual(actions, ['full', 'partial', 'partial', 'full', 'partial']);
  // A partial refresh writes the previous picture into 0x26 after init.
  const events = toTraceEvents(hal.ops, DEFAULT_PINS);
  t.true(events.some((e) => 'cmd' in e && e.cmd === 0x26));
  t.true(events.some((e) => 'data' in e && e.data.length === 1 && e.data[0] === 0xff));
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
