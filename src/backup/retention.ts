import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isArchiveOf } from './archive-name.ts';

/** Of `names`, the archives of `gateway` past the newest `keep` (oldest first): what retention deletes. Pure. */
export function archivesToDelete(names: readonly string[], gateway: string, keep: number): string[] {
  const mine = names.filter((n) => isArchiveOf(gateway, n)).sort();
  return mine.slice(0, Math.max(0, mine.length - keep));
}

/** Deletes `gateway`'s archives in `dir` past the newest `keep`; other files are never touched. Resolves with the names deleted. */
export async function pruneArchives(dir: string, gateway: string, keep: number): Promise<string[]> {
  const doomed = archivesToDelete(await readdir(dir), gateway, keep);
  for (const name of doomed) await unlink(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return doomed;
}
