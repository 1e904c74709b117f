import test from 'ava';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { epdTrace } from '../../src/cli/epd-trace.ts';

const TRACES = fileURLToPath(new URL('../fixtures/epd-traces/', import.meta.url));

async function run(args: string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const code = await epdTrace(args, out);
  return { code, text: Buffer.concat(chunks).toString('utf8') };
}

const cases = [
  ['2in13b_v4', 'epd2in13b_V4', '122x250'],
  ['2in13b_v3', 'epd2in13b_V3', '104x212'],
  ['2in13_v4', 'epd2in13_V4', '122x250'],
] as const;

for (const [panel, driver, size] of cases) {
  test(`epd-trace --panel ${panel} prints the reference trace of the checker`, async (t) => {
    const ref = JSON.parse(readFileSync(`${TRACES}${driver}/full_checker.json`, 'utf8'));
    const args = ['--panel', panel, '--black', `${TRACES}images/${size}/checker_black.png`];
    if (panel !== '2in13_v4') args.push('--red', `${TRACES}images/${size}/checker_red.png`);
    const { code, text } = await run(args);
    t.is(code, 0);
    const printed = JSON.parse(text);
    t.deepEqual(printed.events, ref.events);
    t.is(printed.stream_sha256, ref.stream_sha256);
    t.is(printed.events_sha256, ref.events_sha256);
  });
}

test('epd-trace refuses a missing --black, an unknown panel and a wrong-sized picture with exit code 2', async (t) => {
  t.is((await run(['--panel', '2in13b_v4'])).code, 2);
  t.is((await run(['--panel', '9in7', '--black', `${TRACES}images/122x250/checker_black.png`])).code, 2);
  t.is((await run(['--panel', '2in13b_v4', '--black', `${TRACES}images/104x212/checker_black.png`])).code, 2);
});
