import { pathToFileURL } from 'node:url';
import { packPlane } from '../epd/pack.ts';
import { EPD_2IN13B_V4 } from '../epd/panels.ts';
import { renderScreen } from '../src/display/render-screen.ts';
import { buildScreenModel } from '../src/display/screen-model.ts';
import { buildScreenSvg } from '../src/display/screen-svg.ts';
import { STATES } from '../test/display/fixtures.ts';

/** Median time to draw, render and pack one 2in13b_v4 landscape screen (4 rooms, alerts), ms. Target < 50 ms. */
export async function benchRender(): Promise<{ name: string; value: number; unit: string }[]> {
  const panel = EPD_2IN13B_V4;
  const once = async (): Promise<number> => {
    const started = performance.now();
    const model = buildScreenModel(STATES.alerts, { timeZone: 'UTC' });
    const screen = await renderScreen(buildScreenSvg(model, panel.height, panel.width).svg, true);
    packPlane(screen.black, panel);
    packPlane(screen.red, panel);
    return performance.now() - started;
  };
  for (let i = 0; i < 5; i++) await once(); // warm-up: font parsing, sharp start-up
  const times: number[] = [];
  for (let i = 0; i < 30; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return [{ name: 'display: render and pack one screen (median of 30)', value: Number(times[15].toFixed(2)), unit: 'ms' }];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchRender()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
