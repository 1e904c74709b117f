import { constants } from 'node:fs';
import { access as fsAccess } from 'node:fs/promises';
import { dirname } from 'node:path';
import { codeOf, fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** Free space wanted on top of the spool's limit, bytes: logs, the screen PNG, the OS. */
export const DISK_HEADROOM_BYTES = 64 * 1024 * 1024;
/** Below this much free space the disk counts as full, bytes (1 MiB): the spool's next segment write fails. */
export const DISK_FULL_BYTES = 1024 * 1024;

/** `fs.statfs` result fields used here. */
export interface StatFs { bavail: number | bigint; bsize: number | bigint }

const NAME = 'free disk for the spool';
const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
const FREE_FIX = 'free space (sudo apt-get clean; sudo journalctl --vacuum-size=50M; look for big files with sudo du -xh --max-depth=2 DIR | sort -h | tail)';

/**
 * `dataDir` (or its nearest existing parent, before the first start) is
 * writable (`access` W_OK: a read-only file system or wrong owner fails) and
 * has room for a full spool (`spool.maxBytes`) plus {@link DISK_HEADROOM_BYTES};
 * under {@link DISK_FULL_BYTES} free it says plainly that the disk is full.
 */
export async function checkDisk(
  dataDir: string,
  spoolMaxBytes: number,
  statfs: (path: string) => Promise<StatFs>,
  access: (path: string, mode: number) => Promise<void> = fsAccess,
): Promise<CheckResult> {
  let dir = dataDir;
  for (;;) {
    try {
      const s = await statfs(dir);
      const free = Number(s.bavail) * Number(s.bsize);
      const where = dir === dataDir ? dataDir : `${dir} (${dataDir} does not exist yet)`;
      const denied = await access(dir, constants.W_OK).then(() => undefined, (err: unknown) => codeOf(err) ?? messageOf(err));
      if (denied) {
        const why = denied === 'EROFS' ? 'is on a read-only file system' : `is not writable (${denied})`;
        return fail(NAME, `${where} ${why}: the spool cannot store points`,
          denied === 'EROFS' ? `remount it read-write (sudo mount -o remount,rw ${dir}) or set dataDir to a writable place` : `sudo chown -R espnow-gateway: ${dir}, or set dataDir to a writable place`);
      }
      if (free < DISK_FULL_BYTES) {
        return fail(NAME, `${where}: the disk is full (${Math.round(free / 1024)} KiB free): the spool cannot write, points wait in memory and the oldest go`,
          FREE_FIX.replace('DIR', dir));
      }
      const want = spoolMaxBytes + DISK_HEADROOM_BYTES;
      if (free >= want) return pass(NAME, `${where}: ${mib(free)} free, the spool may use ${mib(spoolMaxBytes)}`);
      return fail(NAME, `${where}: ${mib(free)} free, but the spool may use ${mib(spoolMaxBytes)} plus ${mib(DISK_HEADROOM_BYTES)} headroom`,
        `${FREE_FIX.replace('DIR', dir)} or lower spool.maxBytes below ${Math.max(0, free - DISK_HEADROOM_BYTES)}`);
    } catch (err) {
      if (codeOf(err) === 'ENOENT' && dirname(dir) !== dir) { dir = dirname(dir); continue; }
      return fail(NAME, `${dir}: ${messageOf(err)}`, 'check dataDir in the config');
    }
  }
}
