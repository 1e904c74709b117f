import { crc32 } from 'node:zlib';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from '../spool/cursor-file.ts';
import type { IdAllocatorState } from './id-allocator.ts';
import type { CommandView } from './types.ts';

/** An open command as the state file keeps it. */
export interface StoredCommand extends CommandView {
  /** The `TX` line went to the broker (or a TXR proved it did). */
  readonly written: boolean;
  /** The node keeps its radio on (capability bit 5, or a CAN node). */
  readonly listening: boolean;
}

/** What `dataDir/commands/state.json` holds. */
export interface CommandState extends IdAllocatorState {
  /** Commands not final yet. */
  readonly open: readonly StoredCommand[];
}

const FORMAT = 1;
const crcHex = (text: string): string => crc32(text).toString(16).padStart(8, '0');

/**
 * Reads the state file: `undefined` when there is none, `'damaged'` when it
 * does not parse or fails its CRC (the caller then rebuilds what it can).
 * Format: one JSON line, then the CRC-32 of that line as 8 hex digits.
 */
export async function readCommandState(path: string): Promise<CommandState | 'damaged' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const match = /^(.*)\n([0-9a-f]{8})\n$/s.exec(text);
  if (!match || crcHex(match[1]) !== match[2]) return 'damaged';
  try {
    const parsed = JSON.parse(match[1]) as CommandState & { format?: number };
    if (parsed.format !== FORMAT || !Number.isSafeInteger(parsed.nextSerial) || !Array.isArray(parsed.open) || !Array.isArray(parsed.checkpoints)) return 'damaged';
    return { nextSerial: parsed.nextSerial, checkpoints: parsed.checkpoints, open: parsed.open };
  } catch {
    return 'damaged';
  }
}

/**
 * Writes the state atomically: `<path>.tmp`, fsync, rename over `path`, fsync
 * the directory. After a crash the file holds the old or the new state,
 * never a mix; a torn `.tmp` is simply written over next time.
 */
export async function writeCommandState(path: string, state: CommandState): Promise<void> {
  const body = JSON.stringify({ format: FORMAT, ...state });
  const tmp = `${path}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(`${body}\n${crcHex(body)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}
