import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HELD_DIR, HELD_FILE } from './data-dir-members.ts';
import type { ManifestFile } from './manifest.ts';

/** One file restore writes, decided before anything is written. */
export interface FileWrite {
  /** Absolute destination. */
  readonly path: string;
  readonly data: Buffer;
  /** Permission bits for a new file. */
  readonly mode: number;
  /** What it is, for the report: `config`, `influx.tokenFile`, `commands/state.json`, `held/...`. */
  readonly what: string;
}

/** What to do with a file that may exist at the destination. */
export type Decision = 'write' | 'unchanged' | 'differs';

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** `write` when `path` is missing, `unchanged` when it holds `data`, `differs` otherwise. */
export async function decide(path: string, data: Buffer): Promise<Decision> {
  try {
    return (await readFile(path)).equals(data) ? 'unchanged' : 'differs';
  } catch (error) {
    if (errno(error) === 'ENOENT') return 'write';
    throw error;
  }
}

/**
 * Destinations of the archive's held-readings files in `dataDir/held`:
 * never over a file there. A file already there with the same bytes (the
 * same archive restored twice) is skipped; any other gets the next free
 * sequence number, keeping its boot id (the journal orders files by it).
 */
export async function heldDestinations(dataDir: string, held: readonly ManifestFile[], data: ReadonlyMap<string, Buffer>): Promise<FileWrite[]> {
  const dir = join(dataDir, HELD_DIR);
  const present = await readdir(dir).catch((error: unknown) => {
    if (errno(error) === 'ENOENT') return [] as string[];
    throw error;
  });
  let seq = present.reduce((n, name) => Math.max(n, Number(HELD_FILE.exec(name)?.[1] ?? 0)), 0);
  const out: FileWrite[] = [];
  for (const entry of held) {
    const bytes = data.get(entry.path)!;
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const match = HELD_FILE.exec(name);
    if (!match) continue;
    if (present.includes(name) && (await decide(join(dir, name), bytes)) === 'unchanged') continue;
    seq += 1;
    const fresh = `${String(seq).padStart(16, '0')}-${match[2]}.held`;
    out.push({ path: join(dir, fresh), data: bytes, mode: 0o644, what: `${HELD_DIR}/${fresh}` });
  }
  return out;
}
