import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isatty } from 'node:tty';
import { codeOf, fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** File system calls of {@link checkSerialDevice}; `node:fs/promises` in production. */
export interface SerialFs {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isCharacterDevice(): boolean }>;
  access(path: string, mode: number): Promise<void>;
  /**
   * Whether the character device at `path` is a terminal; undefined when it
   * cannot be told. Default {@link isTerminal}.
   */
  isTty?(path: string): Promise<boolean | undefined>;
}

/**
 * Opens `path` `O_NOCTTY | O_NONBLOCK` and asks `isatty(3)`: `/dev/null` is a
 * character device but no tty. Undefined when it cannot be opened.
 */
export async function isTerminal(path: string): Promise<boolean | undefined> {
  const handle = await open(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return isatty(handle.fd);
  } finally {
    await handle.close();
  }
}

const NAME = 'serial device present and readable';

/** The broker's device exists (following by-id and udev links), is a tty (a character device that is a terminal), and this user may read and write it. */
export async function checkSerialDevice(path: string, fs: SerialFs): Promise<CheckResult> {
  let target: string;
  try {
    target = await fs.realpath(path);
  } catch (err) {
    return fail(NAME, `${path}: ${codeOf(err) === 'ENOENT' ? 'not there' : messageOf(err)}`,
      'plug the broker into the Pi; `ls -l /dev/espnow-broker /dev/serial/by-id/` shows its name; set serial.path to it');
  }
  const shown = target === path ? path : `${path} -> ${target}`;
  try {
    const notSerial = `serial.path: ${shown} is not a serial device (a character device that is a tty)`;
    const fix = 'set serial.path to the broker\'s tty: /dev/espnow-broker or a /dev/serial/by-id/... name (`ls -l /dev/serial/by-id/`)';
    if (!(await fs.stat(target)).isCharacterDevice()) return fail(NAME, `${notSerial}; it is not a character device`, fix);
    await fs.access(target, constants.R_OK | constants.W_OK);
    if ((await (fs.isTty ?? isTerminal)(target)) === false) return fail(NAME, `${notSerial}; it is a character device that is not a tty`, fix);
  } catch (err) {
    if (codeOf(err) === 'EACCES') {
      return fail(NAME, `${shown}: no read/write permission for this user`,
        'run doctor as the service user (sudo -u espnow-gateway ...), or add yourself to dialout: sudo usermod -aG dialout $USER and log in again');
    }
    return fail(NAME, `${shown}: ${messageOf(err)}`, 'check the cable and `dmesg | tail` for USB errors');
  }
  return pass(NAME, `${shown}: character device, read/write allowed`);
}
