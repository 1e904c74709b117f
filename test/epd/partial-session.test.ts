/**
 * The B/W panel across refreshes, as the display runs it: a base (full) refresh,
 * partials that only send displayPartial, and the panel asleep with its power and
 * RAM kept in between. Each call's bytes against Waveshare's table of calls.
 */
import test from 'ava';
import { EpdDriver } from '../../epd/epd-driver.ts';
import { EpdError } from '../../epd/epd-error.ts';
import { DEFAULT_PINS } from '../../epd/hal.ts';
import { EPD_2IN13_V4 } from '../../epd/panels.ts';
import { RecordingHal } from '../../epd/recording-hal.ts';
import { toTraceEvents, type TraceEvent } from '../../epd/trace.ts';
import { traceRefresh } from '../../epd/trace-refresh.ts';
import {
  CHECKER, WHITE, deepSleep, display, displayPartBaseImage, displayPartial, eventsOf, init, moduleExit, plane, sleep, type Call,
} from './waveshare-2in13-v4-table.ts';

const INVERSE = plane((x, y) => ((x >> 3) + (y >> 3)) % 2 === 1);
const expected = (calls: Call[]): TraceEvent[] => eventsOf(calls) as TraceEvent[];
const cmds = (events: readonly TraceEvent[]): number[] => events.flatMap((e) => ('cmd' in e ? [e.cmd] : []));
/** The data byte after each 0x22 (display update control). */
const updates = (events: readonly TraceEvent[]): number[] =>
  events.flatMap((e, i) => ('cmd' in e && e.cmd === 0x22 ? [(events[i + 1] as { data: number[] }).data[0]] : []));
/** [command, plane] for every whole-plane write. */
const planes = (events: readonly TraceEvent[]): [number, number[]][] =>
  events.flatMap((e, i) => ('data' in e && e.data.length === 4000 ? [[(events[i - 1] as { cmd: number }).cmd, e.data] as [number, number[]]] : []));

/** A driver on a recording HAL; `call` runs one driver call and returns the trace events it made. */
function rig(busy: (t: number) => 0 | 1 = () => 0) {
  const hal = new RecordingHal({ read: (_pin, t) => busy(t) });
  const driver = new EpdDriver(EPD_2IN13_V4, hal);
  const call = async (fn: () => unknown): Promise<TraceEvent[]> => {
    const from = hal.ops.length;
    await fn();
    return toTraceEvents(hal.ops.slice(from), DEFAULT_PINS);
  };
  return { hal, driver, call };
}

test('full base, partial, partial, full: the base goes into both banks once, each partial is displayPartial alone (no 0x22 F7, no init)', async (t) => {
  const { driver, call } = rig();
  t.false(driver.partialReady);

  const base = await call(() => driver.refresh({ black: WHITE }, { mode: 'base' }));
  t.deepEqual(base, expected([...init, ...displayPartBaseImage(WHITE), ...deepSleep]));
  t.deepEqual(planes(base), [[0x24, Array.from(WHITE)], [0x26, Array.from(WHITE)]]);
  t.deepEqual(updates(base), [0xf7]);
  t.false(base.some((e) => 'module_exit' in e), 'power stays on: the RAM must survive the sleep');
  t.true(driver.partialReady);

  for (const picture of [CHECKER, INVERSE]) {
    const partial = await call(() => driver.refresh({ black: picture }, { mode: 'partial' }));
    t.deepEqual(partial, expected([...displayPartial(picture), ...deepSleep]));
    t.deepEqual(planes(partial), [[0x24, Array.from(picture)]], 'new picture into 0x24 only; the base is not sent again');
    t.deepEqual(updates(partial), [0xff], 'partial update, no 0x22 F7');
    t.false(cmds(partial).includes(0x12), 'no software reset');
    t.deepEqual(partial[0], { reset: [0, 1], hold_ms: [1, 0] }, 'woken by the RST pulse alone');
    t.false(partial.some((e) => 'module_init' in e || 'module_exit' in e));
    t.true(driver.partialReady);
  }

  // The next full one: power cycled (the sleep since the last refresh was Waveshare's sleep() in two halves), then init and the base again.
  const full = await call(() => driver.refresh({ black: CHECKER }, { mode: 'base' }));
  t.deepEqual(full, expected([...moduleExit, ...init, ...displayPartBaseImage(CHECKER), ...deepSleep]));
  t.deepEqual(planes(full), [[0x24, Array.from(CHECKER)], [0x26, Array.from(CHECKER)]]);

  t.deepEqual(await call(() => driver.powerOff()), expected(moduleExit));
  t.false(driver.partialReady);
  t.deepEqual(await call(() => driver.powerOff()), [], 'already off');
});

test('a partial refresh without a base in the panel\'s RAM is refused before anything is sent (new process, after powerOff, after a full refresh)', async (t) => {
  const { driver, hal, call } = rig();
  const refused = async (why: string) => {
    const before = hal.ops.length;
    const error = await t.throwsAsync(driver.refresh({ black: CHECKER }, { mode: 'partial' }), { instanceOf: EpdError }, why);
    t.is(error?.code, 'EPD_NO_PARTIAL');
    t.regex(error?.message ?? '', /2in13_v4: a partial refresh needs the last picture in the panel's RAM/);
    t.is(hal.ops.length, before, why);
  };
  await refused('new process: RAM unknown');
  await driver.refresh({ black: WHITE }, { mode: 'base' });
  driver.powerOff();
  await refused('after powerOff');
  // display(): Waveshare's full refresh, which ends with the power cut.
  const full = await call(() => driver.refresh({ black: CHECKER }));
  t.deepEqual(full, expected([...init, ...display(CHECKER), ...sleep]));
  await refused('after a full refresh that cut the power');
});

test('a partial whose BUSY never clears powers the panel off, and the next refresh must be a base again', async (t) => {
  let stuck = false;
  const { driver, call } = rig(() => (stuck ? 1 : 0));
  await driver.refresh({ black: WHITE }, { mode: 'base' });
  stuck = true;
  const events = await call(() => t.throwsAsync(driver.refresh({ black: CHECKER }, { mode: 'partial' }), { message: /BUSY/ }));
  t.deepEqual(events.at(-1), { module_exit: true });
  t.false(driver.partialReady);
  stuck = false;
  await t.throwsAsync(driver.refresh({ black: CHECKER }, { mode: 'partial' }), { message: /needs the last picture/ });
});

test('one base refresh then power off is Waveshare\'s init(); displayPartBaseImage(); sleep()', async (t) => {
  const trace = await traceRefresh(EPD_2IN13_V4, { black: CHECKER }, 'base');
  t.deepEqual(trace.events, expected([...init, ...displayPartBaseImage(CHECKER), ...sleep]));
});
