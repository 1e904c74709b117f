import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { PANELS } from '../../epd/panels.ts';
import { renderScreen, screenPng } from '../../src/display/render-screen.ts';
import { buildScreenModel } from '../../src/display/screen-model.ts';
import { buildScreenSvg } from '../../src/display/screen-svg.ts';
import { STATES } from './fixtures.ts';

// Regenerate after an intended change of the picture: UPDATE_GOLDEN=1 npx ava test/display/
const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const CASES = [
  ['2in13b_v4', 'landscape', 'one-room'],
  ['2in13b_v4', 'landscape', 'alerts'],
  ['2in13b_v4', 'portrait', 'alerts'],
  ['2in13b_v4', 'landscape', 'many-rooms'],
  ['2in13b_v3', 'landscape', 'alerts'],
  ['2in13b_v3', 'portrait', 'many-rooms'],
  ['2in13_v4', 'landscape', 'alerts'],
  ['2in13_v4', 'portrait', 'one-room'],
] as const;

const pixels = async (png: Buffer | string) => (await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true }));

for (const [panelName, orientation, stateName] of CASES) {
  test(`golden: ${panelName} ${orientation} ${stateName}`, async (t) => {
    const panel = PANELS[panelName];
    const [w, h] = orientation === 'portrait' ? [panel.width, panel.height] : [panel.height, panel.width];
    const model = buildScreenModel(STATES[stateName], { timeZone: 'UTC' });
    const screen = await renderScreen(buildScreenSvg(model, w, h).svg, panel.hasRed);
    const png = await screenPng(screen);
    const file = `${GOLDEN}${panelName}-${orientation}-${stateName}.png`;
    if (UPDATE) {
      writeFileSync(file, png);
      t.log(`wrote ${file}`);
    }
    if (!existsSync(file)) return t.fail(`missing ${file}: run UPDATE_GOLDEN=1 npx ava test/display/`);
    const [got, want] = await Promise.all([pixels(png), pixels(readFileSync(file))]);
    t.deepEqual([got.info.width, got.info.height], [want.info.width, want.info.height]);
    let differ = 0;
    for (let i = 0; i < got.data.length; i++) if (got.data[i] !== want.data[i]) differ++;
    t.is(differ, 0, `${differ} channel values differ from ${file}`);
    if (!panel.hasRed) t.is(screen.red.ink.reduce((a, b) => a + b, 0), 0);
  });
}
