import { stat } from 'node:fs/promises';
import type { SerialTimers } from './serial-timers.ts';

/** Options of {@link watchDevice}. */
export interface DeviceWatchOptions {
  /** The path the port was opened by (symlinks followed at every look). */
  path: string;
  /** Identity of the node at open time, from {@link identifyDevice}. */
  device: string;
  /** Period of the look, ms. */
  intervalMs: number;
  timers: SerialTimers;
  /** Called once when the node is gone or replaced; the watch has stopped by then. */
  onGone(reason: Error): void;
}

/** Identity of the device node behind `path` (after symlinks): `dev:ino:rdev`. */
export async function identifyDevice(path: string): Promise<string> {
  const s = await stat(path);
  return `${s.dev}:${s.ino}:${s.rdev}`;
}

/**
 * Why this exists: when a USB serial device is unplugged, or a pty's master
 * closes, Linux hangs the tty up and read(2) returns 0 (EOF) instead of an
 * error; bindings-cpp 13 (`unix-read.js`) retries 0-byte reads at once and
 * never reports a disconnect, spinning a CPU. So the path is looked at while
 * the port is open: gone (ENOENT) or a different device node (inode/rdev)
 * means the device vanished. Returns a function that stops the watch.
 */
export function watchDevice(o: DeviceWatchOptions): () => void {
  let stopped = false;
  let handle: unknown;
  const look = async (): Promise<void> => {
    const now = await identifyDevice(o.path).catch((err: NodeJS.ErrnoException) => `missing (${err.code})`);
    if (stopped) return;
    if (now === o.device) {
      schedule();
      return;
    }
    stopped = true;
    o.onGone(new Error(`device ${now.startsWith('missing') ? 'is gone' : 'was replaced'}: ${now}`));
  };
  const schedule = (): void => {
    handle = o.timers.setTimeout(() => void look(), o.intervalMs);
  };
  schedule();
  return () => {
    stopped = true;
    o.timers.clearTimeout(handle);
  };
}
