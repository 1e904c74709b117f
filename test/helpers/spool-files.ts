import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanRecords } from '../../src/spool/record-codec.ts';

/**
 * Every whole record in the spool segments under `dir` (`<dataDir>/spool`),
 * oldest first, read straight from the files as another process left them:
 * what a gateway had accepted, acknowledged or not.
 */
export function spooledLines(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return scanRecords(readFileSync(join(dir, name))).lines;
    } catch {
      return []; // deleted between readdir and read
    }
  });
}
