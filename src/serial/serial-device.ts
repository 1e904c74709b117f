import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isatty } from 'node:tty';
import { GatewayError } from '../errors.ts';

/** What {@link probeSerialDevice} found at a path. */
export interface SerialDeviceProbe {
  /**
   * `tty`: a character device that is a terminal (a serial port);
   * `missing`: nothing there (yet: a USB device may appear);
   * `not-serial`: something that will never be a serial port (a regular file, `/dev/null`);
   * `unknown`: it could not be told (no permission, I/O error).
   */
  kind: 'tty' | 'missing' | 'not-serial' | 'unknown';
  /** The path after symlinks (`/dev/serial/by-id/...` -> `/dev/ttyACM0`), when it exists. */
  target?: string;
  /** For `not-serial`: what it is instead, e.g. `a regular file`, `a character device that is not a tty`. */
  what?: string;
}

/** Error code of {@link notSerialDeviceError}. */
export const NOT_SERIAL_DEVICE = 'SERIAL_NOT_A_TTY';

/**
 * Tells what is at `path` without touching a real serial port's lines: a
 * path that is not a character device is never opened; a character device is
 * opened `O_NOCTTY | O_NONBLOCK` and asked `isatty(3)` (tcgetattr, ENOTTY for
 * `/dev/null`). Callers probe only after serialport's own open failed, so a
 * working port is never opened twice.
 */
export async function probeSerialDevice(path: string): Promise<SerialDeviceProbe> {
  let target: string;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    target = await realpath(path);
    info = await stat(target);
  } catch (err) {
    return { kind: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unknown' };
  }
  if (!info.isCharacterDevice()) return { kind: 'not-serial', target, what: describe(info) };
  let handle;
  try {
    handle = await open(target, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    return { kind: 'unknown', target };
  }
  try {
    return isatty(handle.fd) ? { kind: 'tty', target } : { kind: 'not-serial', target, what: 'a character device that is not a tty' };
  } finally {
    await handle.close();
  }
}

function describe(info: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a character device';
}

/**
 * The error for a `serial.path` that exists but is no serial port, e.g.
 * `serial.path: /dev/null is not a serial device (a character device that is a tty); it is a character device that is not a tty`.
 */
export function notSerialDeviceError(path: string, probe: SerialDeviceProbe, cause?: unknown): GatewayError {
  const shown = probe.target && probe.target !== path ? `${path} -> ${probe.target}` : path;
  return new GatewayError(
    NOT_SERIAL_DEVICE,
    `serial.path: ${shown} is not a serial device (a character device that is a tty)${probe.what ? `; it is ${probe.what}` : ''}`,
    { retryable: false, cause },
  );
}
