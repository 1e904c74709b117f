import { constants } from 'node:fs';
import { codeOf, fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** File system calls of {@link checkSerialDevice}; `node:fs/promises` in production. */
export interface SerialFs {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isCharacterDevice(): boolean }>;
  access(path: string, mode: number): Promise<void>;
}

const NAME = 'serial device present and readable';

/** The broker's device exists (following by-id and udev links), is a character device, and this user may read and write it. */
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
    if (!(await fs.stat(target)).isCharacterDevice()) {
      return fail(NAME, `${shown}: not a character device`, 'serial.path must name the broker\'s tty (e.g. /dev/espnow-broker)');
    }
    await fs.access(target, constants.R_OK | constants.W_OK);
  } catch (err) {
    if (codeOf(err) === 'EACCES') {
      return fail(NAME, `${shown}: no read/write permission for this user`,
        'run doctor as the service user (sudo -u espnow-gateway ...), or add yourself to dialout: sudo usermod -aG dialout $USER and log in again');
    }
    return fail(NAME, `${shown}: ${messageOf(err)}`, 'check the cable and `dmesg | tail` for USB errors');
  }
  return pass(NAME, `${shown}: character device, read/write allowed`);
}
