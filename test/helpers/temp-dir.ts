import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** Creates a temp dir named `espnow-<prefix>-XXXXXX`. */
export async function makeTempDir(prefix = 'test'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `espnow-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
