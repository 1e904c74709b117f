/**
 * The B/W panel's partial refresh against Waveshare's own sequence
 * (epd2in13_V4.py: init, displayPartBaseImage, displayPartial, sleep), byte
 * for byte, as reference-traces.test.ts does for the full refresh.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { packPlane } from '../../epd/pack.ts';
import { EPD_2IN13_V4 } from '../../epd/panels.ts';
import { readInkRaster } from '../../epd/png-raster.ts';
import { traceRefreshes } from '../../epd/trace-refresh.ts';
import { eventsSha256, streamSha256, type TraceEvent } from '../../epd/trace.ts';
import { epdTrace } from '../../src/cli/epd-trace.ts';
import { CHECKER, REFERENCES, WHITE, referenceFile } from './waveshare-2in13-v4-table.ts';

const TRACES = fileURLToPath(new URL('../fixtures/epd-traces/', import.meta.url));
const IMAGES = `${TRACES}images/122x250/`;

interface Reference {
  stream_sha256: string;
  events_sha256: string;
  events: TraceEvent[];
}
const load = (name: string): Reference => JSON.parse(readFileSync(`${TRACES}epd2in13_V4/${name}.json`, 'utf8')) as Reference;
const cmdAt = (events: readonly TraceEvent[], cmd: number, from = 0): number => events.findIndex((e, i) => i >= from && 'cmd' in e && e.cmd === cmd);
const DEEP_SLEEP: TraceEvent[] = [{ cmd: 0x10 }, { data: [0x01] }, { delay_ms: 2000 }];

for (const name of Object.keys(REFERENCES)) {
  test(`${name}.json is the table of epd2in13_V4.py calls, and agrees with the recorded full-refresh trace`, (t) => {
    const ref = load(name);
    t.deepEqual(ref, referenceFile(name) as unknown as Reference);
    t.is(streamSha256(ref.events), ref.stream_sha256);
    t.is(eventsSha256(ref.events), ref.events_sha256);
    // The table's init() and sleep() are what Waveshare's driver really sent in the recorded run,
    // and its checker packs to the bytes that run sent.
    const full = load('full_checker');
    const init = cmdAt(full.events, 0x24);
    t.deepEqual(ref.events.slice(0, init), full.events.slice(0, init));
    t.deepEqual(ref.events.slice(-4), full.events.slice(-4));
    t.deepEqual(full.events[init + 1], { data: Array.from(CHECKER) });
  });
}

test('the gateway\'s order differs from Waveshare\'s example only by a deep sleep, power on, between the base and the partial', (t) => {
  const example = load('partial_checker').events;
  const session = load('partial_session_checker').events;
  const partialStart = example.findIndex((e) => 'reset' in e && e.reset.length === 2);
  t.deepEqual(session, [...example.slice(0, partialStart), ...DEEP_SLEEP, ...example.slice(partialStart)]);
});

test('2in13_v4 base then partial refresh: both RAM banks, full update, sleep with the power on, then displayPartial alone, byte for byte', async (t) => {
  const ref = load('partial_session_checker');
  const base = packPlane(await readInkRaster(`${IMAGES}white.png`), EPD_2IN13_V4);
  const black = packPlane(await readInkRaster(`${IMAGES}checker_black.png`), EPD_2IN13_V4);
  t.deepEqual(base, WHITE);

  const trace = await traceRefreshes(EPD_2IN13_V4, [{ frame: { black: base }, mode: 'base' }, { frame: { black }, mode: 'partial' }]);

  const first24 = cmdAt(trace.events, 0x24);
  t.deepEqual(trace.events.slice(first24, first24 + 11), [
    { cmd: 0x24 }, { data: Array.from(base) }, { cmd: 0x26 }, { data: Array.from(base) },
    { cmd: 0x22 }, { data: [0xf7] }, { cmd: 0x20 }, { wait_busy: true }, ...DEEP_SLEEP,
  ]);
  t.deepEqual(trace.events, ref.events);
  t.is(trace.stream_sha256, ref.stream_sha256);
  t.is(trace.events_sha256, ref.events_sha256);
});

test('epd-trace --partial-base prints the partial session reference trace', async (t) => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const code = await epdTrace(['--panel', '2in13_v4', '--partial-base', `${IMAGES}white.png`, '--black', `${IMAGES}checker_black.png`], out);
  t.is(code, 0);
  const printed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reference;
  const ref = load('partial_session_checker');
  t.is(printed.stream_sha256, ref.stream_sha256);
  t.is(printed.events_sha256, ref.events_sha256);
  t.is(await epdTrace(['--panel', '2in13b_v4', '--partial-base', `${IMAGES}white.png`, '--black', `${IMAGES}checker_black.png`], out), 2);
});
