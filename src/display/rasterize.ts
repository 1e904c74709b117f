import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../errors.ts';
import type { RenderedScreen } from './render-screen.ts';
import type { ScreenModel } from './screen-model.ts';

/** What drawing one screen needs: plain data, sent to the child over IPC. */
export interface ScreenRequest {
  model: ScreenModel;
  /** Size of the drawing in px, in the configured orientation. */
  width: number;
  height: number;
  /** Page wanted when the rooms need more than one; the page drawn is `page % pages`. */
  page: number;
  /** False folds red into black (see render-screen.ts). */
  hasRed: boolean;
}

/** What drawing a screen gives: the ink planes, the PNG a person looks at, and the pages the rooms need. */
export interface Raster {
  screen: RenderedScreen;
  png: Buffer;
  /** Pages the rooms need at this size (from the font's metrics); at least 1. */
  pages: number;
}

/** Lays the screen out (screen-svg.ts) and turns it into ink planes and a PNG. */
/** Draws `request`; `signal` (the display stopping) abandons a drawing under way where it can. */
export type Rasterize = (request: ScreenRequest, signal?: AbortSignal) => Promise<Raster>;

/** Longest a child may take for one screen, ms; a Pi Zero 2W needs about 1 s. */
export const DEFAULT_RASTERIZE_TIMEOUT_MS = 30_000;

/**
 * Draws in this process: opentype.js with the fonts and sharp stay loaded
 * (about 50 MB more resident memory). Both are imported on the first call only.
 */
export const rasterizeInProcess: Rasterize = async ({ model, width, height, page, hasRed }) => {
  const [{ buildScreenSvg }, { renderScreen, screenPng }] = await Promise.all([import('./screen-svg.ts'), import('./render-screen.ts')]);
  const { svg, pages } = buildScreenSvg(model, width, height, page);
  const screen = await renderScreen(svg, hasRed);
  return { screen, png: await screenPng(screen), pages };
};

const CHILD = fileURLToPath(new URL(`./rasterize-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * Draws in a short-lived child process. sharp (libvips, librsvg, cairo) and
 * opentype.js with the parsed fonts cost the process that loads them tens of MB
 * of resident memory for good; the screen changes at most every 30 s, so the
 * gateway pays a process start per picture instead and stays lean on a 512 MB
 * Pi Zero 2W. The gateway sends the screen model, never loads the fonts.
 */
export function rasterizeInChild(timeoutMs = DEFAULT_RASTERIZE_TIMEOUT_MS): Rasterize {
  return (request, signal) => new Promise<Raster>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GatewayError('DISPLAY_RASTERIZE', 'rasterising the screen abandoned: the display is stopping'));
      return;
    }
    const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk.slice(0, 2000); });
    const fail = (why: string): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abandon);
      child.kill('SIGKILL');
      reject(new GatewayError('DISPLAY_RASTERIZE', `rasterising the screen failed: ${why}${stderr ? `: ${stderr.trim()}` : ''}`, { retryable: true }));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const abandon = (): void => fail('abandoned: the display is stopping');
    signal?.addEventListener('abort', abandon, { once: true });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`child exited (${code ?? signal}) before answering`));
    child.once('message', (message) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abandon);
      child.removeAllListeners('exit');
      const answer = message as { error?: string; screen?: RenderedScreen; png?: Uint8Array; pages?: number };
      if (answer.error || !answer.screen || !answer.png || !Number.isInteger(answer.pages) || answer.pages! < 1) {
        fail(answer.error ?? 'incomplete answer (screen, png, pages)');
        return;
      }
      resolve({ screen: answer.screen, png: Buffer.from(answer.png), pages: answer.pages! });
    });
    child.send(request);
  });
}
