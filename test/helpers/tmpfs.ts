import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, fstatSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir.ts';

/** A real, small tmpfs mounted for one test (needs root); see {@link mountTmpfs}. */
export interface Tmpfs {
  /** The mount point. */
  path: string;
  /** Fills the file system with a filler file until the kernel says ENOSPC, then frees `leaveBytes` (rounded to pages). */
  fill(leaveBytes?: number): void;
  /** Deletes the filler: the space is back. */
  unfill(): void;
  /** `mount -o remount,ro` (true) or `rw` (false). */
  readOnly(on: boolean): void;
  /** Unmounts (lazily if busy); {@link mountTmpfs} also deletes the mount point. */
  remove(): Promise<void>;
}

/** Mounts `tmpfs -o size=<sizeBytes>` on a fresh temp dir. */
export async function mountTmpfs(sizeBytes: number): Promise<Tmpfs> {
  const dir = await makeTempDir('tmpfs');
  const fs = mountTmpfsAt(dir.path, sizeBytes);
  return { ...fs, remove: async () => { await fs.remove(); await dir.remove(); } };
}

/** Mounts `tmpfs -o size=<sizeBytes>` on the existing directory `path` (e.g. a gateway's dataDir); `remove()` only unmounts. */
export function mountTmpfsAt(path: string, sizeBytes: number): Tmpfs {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', path]);
  const filler = join(path, 'filler');
  const dir = { path };
  return {
    path,
    fill(leaveBytes = 0) {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x46);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      // A short last write fills the rest; a few 1-byte writes make sure.
      for (let i = 0; i < 8; i++) {
        try {
          writeSync(fd, chunk, 0, 1);
        } catch {
          break;
        }
      }
      if (leaveBytes > 0) ftruncateSync(fd, Math.max(0, fstatSync(fd).size - Math.ceil(leaveBytes / 4096) * 4096));
      closeSync(fd);
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir.path]);
    },
    async remove() {
      try {
        execFileSync('umount', [dir.path], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dir.path], { stdio: 'ignore' });
      }
    },
  };
}
