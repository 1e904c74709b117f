import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../errors.ts';
import type { RenderedScreen } from './render-screen.ts';

/** What rasterising a screen gives: the ink planes and the PNG a person looks at. */
export interface Raster {
  screen: RenderedScreen;
  png: Buffer;
}

/** Turns the screen's SVG into ink planes and a PNG. */
export type Rasterize = (svg: string, hasRed: boolean) => Promise<Raster>;

/** Longest a child may take for one screen, ms; a Pi Zero 2W needs about 1 s. */
export const DEFAULT_RASTERIZE_TIMEOUT_MS = 30_000;

/** Rasterises in this process (sharp stays loaded: about 50 MB more resident memory). */
export const rasterizeInProcess: Rasterize = async (svg, hasRed) => {
  const { renderScreen, screenPng } = await import('./render-screen.ts');
  const screen = await renderScreen(svg, hasRed);
  return { screen, png: await screenPng(screen) };
};

const CHILD = fileURLToPath(new URL(`./rasterize-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * Rasterises in a short-lived child process. sharp (libvips, librsvg, cairo)
 * costs the process that loads it about 50 MB of resident memory for good;
 * the screen changes at most every 30 s, so the gateway pays a process start
 * per picture instead and stays lean on a 512 MB Pi Zero 2W.
 */
export function rasterizeInChild(timeoutMs = DEFAULT_RASTERIZE_TIMEOUT_MS): Rasterize {
  return (svg, hasRed) => new Promise<Raster>((resolve, reject) => {
    const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk.slice(0, 2000); });
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new GatewayError('DISPLAY_RASTERIZE', `rasterising the screen failed: ${why}${stderr ? `: ${stderr.trim()}` : ''}`, { retryable: true }));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`child exited (${code ?? signal}) before answering`));
    child.once('message', (message) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const answer = message as { error?: string; screen?: RenderedScreen; png?: Uint8Array };
      if (answer.error || !answer.screen || !answer.png) {
        fail(answer.error ?? 'empty answer');
        return;
      }
      resolve({ screen: answer.screen, png: Buffer.from(answer.png) });
    });
    child.send({ svg, hasRed });
  });
}
