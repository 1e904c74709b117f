import { keyPath } from './key-path.ts';
import type { Config } from './types.ts';

/** Keys SIGHUP applies without a restart (today the node names). */
export const RELOADABLE_KEYS: readonly string[] = ['nodes'];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The key paths (`serial.path`, `influx.url`, `display.pins.busy`) whose value
 * differs between the running config and a newly loaded one, leaving out
 * {@link RELOADABLE_KEYS}: what a SIGHUP cannot apply and needs a restart.
 * A section added or removed is named once (`influx`). Values are never
 * returned (the InfluxDB token is a secret), only paths.
 */
export function keysNeedingRestart(running: Config, next: Config): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string[]): void => {
    if (path.length === 1 && RELOADABLE_KEYS.includes(path[0])) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[key], b[key], [...path, key]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(keyPath(path));
    }
  };
  walk(running, next, []);
  return out;
}
