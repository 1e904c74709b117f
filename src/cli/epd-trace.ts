import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { GatewayError } from '../errors.ts';
import { packPlane } from '../../epd/pack.ts';
import { panelByName } from '../../epd/panels.ts';
import { readInkRaster } from '../../epd/png-raster.ts';
import { traceRefreshes } from '../../epd/trace-refresh.ts';

const USAGE =
  'usage: espnow-gateway epd-trace --panel 2in13b_v4|2in13b_v3|2in13_v4 --black B.png [--red R.png] [--partial-base BASE.png]\n' +
  '  Prints the epd-trace/1 trace of one refresh (init, picture, sleep, power off) as JSON: {"events", "stream_sha256", "events_sha256"}.\n' +
  '  PNGs at the panel\'s native portrait or landscape size; dark pixels (grey < 128) are ink.\n' +
  '  --partial-base (2in13_v4 only): the gateway\'s partial refresh instead: BASE into both RAM banks with a full update\n' +
  '    (displayPartBaseImage) and deep sleep with the power on, then B alone with the partial waveform (displayPartial),\n' +
  '    deep sleep and power off.\n';

/**
 * `epd-trace`: what the driver would send the panel for one picture, to compare
 * with any reference (e.g. test/fixtures/epd-traces). Returns the exit code:
 * 0 done, 2 bad arguments or images.
 */
export async function epdTrace(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let values: { panel?: string; black?: string; red?: string; 'partial-base'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        panel: { type: 'string', default: '2in13b_v4' },
        black: { type: 'string' },
        red: { type: 'string' },
        'partial-base': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`epd-trace: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  if (!values.black) {
    process.stderr.write(`epd-trace: --black is required\n${USAGE}`);
    return 2;
  }
  try {
    const panel = panelByName(values.panel ?? '2in13b_v4');
    const black = packPlane(await readInkRaster(values.black), panel);
    const red = values.red ? packPlane(await readInkRaster(values.red), panel) : undefined;
    const base = values['partial-base'] ? packPlane(await readInkRaster(values['partial-base']), panel) : undefined;
    const trace = base
      ? await traceRefreshes(panel, [{ frame: { black: base }, mode: 'base' }, { frame: { black, red }, mode: 'partial' }])
      : await traceRefreshes(panel, [{ frame: { black, red } }]);
    out.write(`${JSON.stringify(trace)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof GatewayError) && !isImageError(error)) throw error;
    process.stderr.write(`epd-trace: ${(error as Error).message}\n`);
    return 2;
  }
}

/** sharp's errors for missing or unreadable files. */
const isImageError = (error: unknown): boolean =>
  error instanceof Error && /Input file|unsupported image format|missing/i.test(error.message);

// Runnable on its own: `npx tsx src/cli/epd-trace.ts --panel ... --black ...`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  epdTrace(process.argv.slice(2), process.stdout).then((code) => { process.exitCode = code; });
}
