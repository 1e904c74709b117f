import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, stat, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** errno codes that say "the disk is full", not "you may not write here": not a config problem (doctor's disk check reports it). */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

const userName = (): string => {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
};

const explain = (code: string): string => (code === 'EROFS' ? 'EROFS (read-only file system)' : code === 'EACCES' ? 'EACCES (permission denied)' : code);

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * Checks that the gateway can write to `dataDir` without creating it: an
 * existing `dataDir` must be a writable directory; a missing one needs its
 * nearest existing parent to be a writable directory (the gateway creates
 * `dataDir` at start). Returns what is wrong, naming the path, or undefined.
 *
 * `access(W_OK)` alone is not enough: root passes it on a read-only mount, so
 * a real probe file (`.espnow-gateway-probe-<pid>-<random>`) is created and
 * deleted in the directory. A full disk (ENOSPC, EDQUOT) counts as writable:
 * it is a condition the running gateway rides out, not a config error.
 */
export async function checkDataDirWritable(dataDir: string): Promise<string | undefined> {
  let dir = dataDir;
  for (;;) {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) {
        return dir === dataDir ? `${dataDir} is not a directory (it is a file)` : `${dataDir} cannot be created: ${dir} is a file, not a directory`;
      }
      break;
    } catch (error) {
      const code = errnoOf(error);
      // ENOTDIR: a part of the path is a file; walking up finds which.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(dir) !== dir) { dir = dirname(dir); continue; }
      return `${dataDir}: cannot look at ${dir}: ${code}`;
    }
  }
  // Named because check-config is often run by another user than the service (root, or the login user).
  const by = `by user ${userName()}`;
  const where = dir === dataDir ? `${dataDir} is not writable ${by}` : `${dataDir} does not exist and cannot be created: ${dir} is not writable ${by}`;
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    return `${where}: ${explain(errnoOf(error))}`;
  }
  const probe = join(dir, `.espnow-gateway-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    const code = errnoOf(error);
    return FULL.has(code) ? undefined : `${where}: ${explain(code)}`;
  }
  await unlink(probe).catch(() => undefined);
  return undefined;
}
