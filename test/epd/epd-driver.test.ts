import test from 'ava';
import { EpdDriver } from '../../epd/epd-driver.ts';
import { EpdError } from '../../epd/epd-error.ts';
import { DEFAULT_PINS } from '../../epd/hal.ts';
import { blankPlane, packPlane } from '../../epd/pack.ts';
import { planeBytes } from '../../epd/panel-model.ts';
import { EPD_2IN13_V4, EPD_2IN13B_V3, EPD_2IN13B_V4, panelByName } from '../../epd/panels.ts';
import { RecordingHal } from '../../epd/recording-hal.ts';
import { toTraceEvents } from '../../epd/trace.ts';
import { traceRefresh } from '../../epd/trace-refresh.ts';

test('a BUSY line that never goes idle ends in EPD_BUSY_TIMEOUT after the timeout, with the panel powered off', async (t) => {
  const hal = new RecordingHal({ read: () => 1 }); // SSD1680: 1 = busy
  const driver = new EpdDriver(EPD_2IN13B_V4, hal, { busyTimeoutMs: 5000 });
  const error = await t.throwsAsync(driver.refresh({ black: blankPlane(EPD_2IN13B_V4) }), { instanceOf: EpdError });
  t.is(error?.code, 'EPD_BUSY_TIMEOUT');
  t.true(error?.retryable);
  t.regex(error?.message ?? '', /2in13b_v4: BUSY \(GPIO 24\).*5000 ms/);
  t.true(hal.clock.now() >= 5000 && hal.clock.now() < 5100);
  t.deepEqual(toTraceEvents(hal.ops, DEFAULT_PINS).at(-1), { module_exit: true });
});

test('the V3 waits while BUSY is low, re-sending 0x71 every 100 ms as Waveshare does', async (t) => {
  const hal = new RecordingHal({ read: (_pin, ms) => (ms < 400 + 250 ? 0 : 1) }); // idle once 250 ms past the resets
  await new EpdDriver(EPD_2IN13B_V3, hal).refresh({ black: blankPlane(EPD_2IN13B_V3) });
  const events = toTraceEvents(hal.ops, DEFAULT_PINS);
  t.deepEqual(events.slice(2, 13), [
    { cmd: 0x04 }, { cmd: 0x71 }, { wait_busy: true },
    { cmd: 0x71 }, { delay_ms: 100 }, { wait_busy: true },
    { cmd: 0x71 }, { delay_ms: 100 }, { wait_busy: true },
    { cmd: 0x71 }, { delay_ms: 100 },
  ]);
  t.deepEqual(events.at(-1), { module_exit: true });
});

test('a plane of the wrong size is refused before anything is sent', async (t) => {
  const hal = new RecordingHal();
  const driver = new EpdDriver(EPD_2IN13B_V4, hal);
  const error = await t.throwsAsync(driver.refresh({ black: new Uint8Array(3750) }), { instanceOf: EpdError });
  t.is(error?.code, 'EPD_IMAGE_SIZE');
  t.regex(error?.message ?? '', /black plane has 3750 bytes, expected 4000/);
  await t.throwsAsync(new EpdDriver(EPD_2IN13_V4, hal).refresh({ black: blankPlane(EPD_2IN13_V4), red: blankPlane(EPD_2IN13_V4) }), {
    message: /has no red/,
  });
  for (const mode of ['base', 'partial'] as const) {
    await t.throwsAsync(driver.refresh({ black: blankPlane(EPD_2IN13B_V4) }, { mode }), {
      message: 'epd 2in13b_v4: partial refresh is not supported (only mode "full")',
    });
  }
  t.deepEqual(hal.ops.filter((op) => op.op === 'spiWrite' || op.op === 'write'), []);
});

test('packing: an image neither portrait nor landscape is an error; padding bits are 0; landscape turns counter-clockwise', (t) => {
  const panel = EPD_2IN13B_V4;
  t.throws(() => packPlane({ width: 122, height: 249, ink: new Uint8Array(122 * 249) }, panel), {
    message: /image is 122×249, expected 122×250 \(portrait\) or 250×122 \(landscape\)/,
  });
  const blank = blankPlane(panel);
  t.is(blank.length, 4000);
  t.is(blank[15], 0xc0);
  t.is(blank[14], 0xff);
  // One ink pixel at landscape (0, 0) shows at native (0, H - 1): the bottom-left corner.
  const ink = new Uint8Array(250 * 122);
  ink[0] = 1;
  const plane = packPlane({ width: 250, height: 122, ink }, panel);
  t.is(plane[249 * 16], 0x7f);
  t.is(plane.filter((b, i) => b !== blank[i]).length, 1);
  // And landscape (xL = 249, yL = 121) lands on native (121, 0).
  ink[0] = 0;
  ink[121 * 250 + 249] = 1;
  t.is(packPlane({ width: 250, height: 122, ink }, panel)[15], 0x80);
});

test('every full refresh of every panel ends asleep with the power off', async (t) => {
  for (const name of ['2in13b_v4', '2in13b_v3', '2in13_v4']) {
    const panel = panelByName(name);
    const trace = await traceRefresh(panel, { black: new Uint8Array(planeBytes(panel)) });
    t.deepEqual(trace.events.at(-1), { module_exit: true }, name);
    t.deepEqual(trace.events.at(-2), { delay_ms: 2000 }, name);
  }
  t.throws(() => panelByName('7in5'), { message: 'epd: unknown panel "7in5" (one of 2in13b_v4, 2in13b_v3, 2in13_v4)' });
});
