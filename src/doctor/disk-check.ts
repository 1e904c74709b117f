import { dirname } from 'node:path';
import { codeOf, fail, messageOf, pass, type CheckResult } from './check-result.ts';

/** Free space wanted on top of the spool's limit, bytes: logs, the screen PNG, the OS. */
export const DISK_HEADROOM_BYTES = 64 * 1024 * 1024;

/** `fs.statfs` result fields used here. */
export interface StatFs { bavail: number | bigint; bsize: number | bigint }

const NAME = 'free disk for the spool';
const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

/**
 * `dataDir` (or its nearest existing parent, before the first start) has room
 * for a full spool (`spool.maxBytes`) plus {@link DISK_HEADROOM_BYTES}.
 */
export async function checkDisk(dataDir: string, spoolMaxBytes: number, statfs: (path: string) => Promise<StatFs>): Promise<CheckResult> {
  let dir = dataDir;
  for (;;) {
    try {
      const s = await statfs(dir);
      const free = Number(s.bavail) * Number(s.bsize);
      const want = spoolMaxBytes + DISK_HEADROOM_BYTES;
      const where = dir === dataDir ? dataDir : `${dir} (${dataDir} does not exist yet)`;
      if (free >= want) return pass(NAME, `${where}: ${mib(free)} free, the spool may use ${mib(spoolMaxBytes)}`);
      return fail(NAME, `${where}: ${mib(free)} free, but the spool may use ${mib(spoolMaxBytes)} plus ${mib(DISK_HEADROOM_BYTES)} headroom`,
        `free space (sudo apt-get clean; sudo journalctl --vacuum-size=50M) or lower spool.maxBytes below ${Math.max(0, free - DISK_HEADROOM_BYTES)}`);
    } catch (err) {
      if (codeOf(err) === 'ENOENT' && dirname(dir) !== dir) { dir = dirname(dir); continue; }
      return fail(NAME, `${dir}: ${messageOf(err)}`, 'check dataDir in the config');
    }
  }
}
