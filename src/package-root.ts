import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  // src/ when run through tsx, dist/src/ when built: walk up to our package.json.
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'espnow-gateway') return dir;
    if (dirname(dir) === dir) throw new Error(`espnow-gateway: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The package's root directory (where package.json, assets/ and config/ are). */
export const PACKAGE_ROOT = findRoot();

/** A path inside the package, e.g. `packagePath('assets', 'fonts', 'DejaVuSans.ttf')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
