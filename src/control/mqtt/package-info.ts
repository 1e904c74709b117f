import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.ts';

/** The gateway's version and, when package.json has one, its `homepage` (Home Assistant's `origin` block). */
export function packageInfo(): { version: string; homepage?: string } {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: string; homepage?: string };
  return { version: pkg.version ?? '0.0.0', ...(pkg.homepage ? { homepage: pkg.homepage } : {}) };
}
