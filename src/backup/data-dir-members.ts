import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemberRole } from './manifest.ts';

/** A member on its way into the archive, with where restore puts it. */
export interface StagedMember {
  /** Path inside the archive. */
  readonly name: string;
  readonly role: MemberRole;
  /** Relative to `dataDir`, or the config key of a secret file. */
  readonly target?: string;
  readonly mode: number;
  readonly source: { readonly data: Buffer } | { readonly path: string; readonly size: number };
}

/** Command state (`commands/state.json`) and log (`commands.jsonl`, `commands.jsonl.1`) under `dataDir`, relative. */
export const COMMAND_FILES: readonly { readonly rel: string; readonly role: MemberRole }[] = [
  { rel: 'commands/state.json', role: 'command-state' },
  { rel: 'commands.jsonl.1', role: 'command-log' },
  { rel: 'commands.jsonl', role: 'command-log' },
];

/** The held-readings journal's directory under `dataDir`. */
export const HELD_DIR = 'held';
/** A held-readings file name (clock/held-journal.ts). */
export const HELD_FILE = /^(\d{16})-([0-9A-Za-z-]+)\.held$/;

const readIfThere = (path: string): Promise<Buffer | undefined> =>
  readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });

/**
 * The command state and log, read whole (the state file is replaced
 * atomically, the log only appended: a read is consistent; a half-written
 * last log line is skipped by whoever reads it), and the held-readings
 * files (at most 64 MiB together; one being appended to may end in half a
 * record, which the journal cuts when it opens).
 */
export async function dataDirMembers(dataDir: string): Promise<StagedMember[]> {
  const out: StagedMember[] = [];
  for (const { rel, role } of COMMAND_FILES) {
    const data = await readIfThere(join(dataDir, rel));
    if (data) out.push({ name: `data/${rel}`, role, target: rel, mode: 0o644, source: { data } });
  }
  const names = await readdir(join(dataDir, HELD_DIR)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  for (const name of names.filter((n) => HELD_FILE.test(n)).sort()) {
    const data = await readIfThere(join(dataDir, HELD_DIR, name)); // gone since the listing: released to the sink
    if (data) out.push({ name: `data/${HELD_DIR}/${name}`, role: 'held', target: `${HELD_DIR}/${name}`, mode: 0o644, source: { data } });
  }
  return out;
}
