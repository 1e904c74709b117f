import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packPlane } from '../../epd/pack.ts';
import { PANELS } from '../../epd/panels.ts';
import { readInkRaster } from '../../epd/png-raster.ts';
import { traceRefresh } from '../../epd/trace-refresh.ts';
import { eventsSha256, streamSha256 } from '../../epd/trace.ts';

// Waveshare's own driver bytes, recorded once (test/fixtures/epd-traces/README.md).
const TRACES = fileURLToPath(new URL('../fixtures/epd-traces/', import.meta.url));

interface Reference {
  driver: string;
  width: number;
  height: number;
  images: string[];
  busy_idle_level: number;
  spi_bytes: number;
  stream_sha256: string;
  events_sha256: string;
  events: unknown[];
}

const load = (driver: string, name: string): Reference =>
  JSON.parse(readFileSync(`${TRACES}${driver}/${name}.json`, 'utf8')) as Reference;

for (const panel of Object.values(PANELS)) {
  test(`${panel.name}: init, display and sleep of the checker equal ${panel.upstream}'s trace byte for byte`, async (t) => {
    const ref = load(panel.upstream, 'full_checker');
    t.is(ref.width, panel.width);
    t.is(ref.height, panel.height);
    t.is(ref.busy_idle_level, panel.busyIdle);
    const dir = `${TRACES}images/${ref.images[0].split('/')[0]}/`;
    const black = packPlane(await readInkRaster(`${dir}checker_black.png`), panel);
    const red = panel.hasRed ? packPlane(await readInkRaster(`${dir}checker_red.png`), panel) : undefined;

    const trace = await traceRefresh(panel, { black, red });

    t.deepEqual(trace.events, ref.events);
    t.is(trace.stream_sha256, ref.stream_sha256);
    t.is(trace.events_sha256, ref.events_sha256);
    // The reference's own hashes follow from its events as the format defines them.
    t.is(streamSha256(ref.events as never), ref.stream_sha256);
    t.is(eventsSha256(ref.events as never), ref.events_sha256);
  });
}

test('the checker PNGs are the checker the fixtures README describes, and packing it in landscape gives the same plane', async (t) => {
  for (const size of ['122x250', '104x212']) {
    const r = await readInkRaster(`${TRACES}images/${size}/checker_black.png`);
    let wrong = 0;
    for (let y = 0; y < r.height; y++) {
      for (let x = 0; x < r.width; x++) if (r.ink[y * r.width + x] !== (((x >> 3) + (y >> 3)) % 2 === 0 ? 1 : 0)) wrong++;
    }
    t.is(wrong, 0, size);
    const panel = size === '122x250' ? PANELS['2in13b_v4'] : PANELS['2in13b_v3'];
    // Landscape (xL, yL) shows at native (yL, H - 1 - xL).
    const H = panel.height;
    const land = new Uint8Array(r.ink.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < panel.width; x++) land[x * H + (H - 1 - y)] = r.ink[y * panel.width + x];
    t.deepEqual(packPlane({ width: H, height: panel.width, ink: land }, panel), packPlane(r, panel));
  }
});
