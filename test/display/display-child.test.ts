import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rasterizeInChild, rasterizeInProcess } from '../../src/display/rasterize.ts';
import { buildScreenModel } from '../../src/display/screen-model.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { STATES } from './fixtures.ts';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

test('the default Display lays out text and rasterises in the child: the gateway\'s process never loads opentype.js, the fonts or sharp', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'display-child-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const record = join(dir, 'imports.txt');
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', here('./record-imports.ts'), here('./tick-once.ts'), dir], {
    cwd: PACKAGE_ROOT, env: { ...process.env, RECORD_IMPORTS: record }, timeout: 60_000,
  });
  const { stdout } = await run;
  t.deepEqual(JSON.parse(stdout), { pngWritten: true, action: 'none' });
  t.true(existsSync(join(dir, 'screen.png')));

  const pid = String(run.child.pid);
  const lines = readFileSync(record, 'utf8').trim().split('\n').map((line) => line.split(' ') as [string, string]);
  const main = lines.filter(([p]) => p === pid).map(([, url]) => url);
  const child = lines.filter(([p]) => p !== pid).map(([, url]) => url);
  t.true(main.some((url) => url.endsWith('/src/display/display.ts')), 'the recorder sees the main process\'s imports');
  const heavy = /\/opentype\.js\/|\/sharp\/|\/src\/display\/(font|screen-svg|render-screen)\.ts$/;
  t.deepEqual(main.filter((url) => heavy.test(url)), [], 'none of these in the gateway\'s process');
  for (const part of ['/opentype.js/', '/sharp/', '/src/display/screen-svg.ts']) {
    t.true(child.some((url) => url.includes(part)), `the child loads ${part}`);
  }
});

test('the child draws what the in-process rasteriser draws and reports the pages the rooms need', async (t) => {
  const model = buildScreenModel(STATES['many-rooms'], { timeZone: 'UTC' });
  const request = { model, width: 250, height: 122, page: 4, hasRed: true };
  const [child, here] = await Promise.all([rasterizeInChild()(request), rasterizeInProcess(request)]);
  t.is(child.pages, 3);
  t.is(here.pages, 3);
  t.deepEqual(child.screen, here.screen);
  t.deepEqual(child.png, here.png);
});

test('a drawing under way is abandoned when the display stops: the child is killed and the promise rejects at once, naming why', async (t) => {
  const model = buildScreenModel(STATES['many-rooms'], { timeZone: 'UTC' });
  const stopping = new AbortController();
  const drawing = rasterizeInChild()({ model, width: 250, height: 122, page: 0, hasRed: true }, stopping.signal);
  setTimeout(() => stopping.abort(), 50);
  const error = await t.throwsAsync(drawing);
  t.regex(error.message, /abandoned: the display is stopping/);
  await t.throwsAsync(rasterizeInChild()({ model, width: 250, height: 122, page: 0, hasRed: true }, stopping.signal), { message: /abandoned/ });
});
