import { createRequire } from 'node:module';
import type NodeCron from 'node-cron';

/**
 * node-cron, loaded on first use (a `backup.schedule` in the config), not
 * at import: a gateway without a scheduled backup never loads it.
 */
export function cron(): typeof NodeCron {
  return createRequire(import.meta.url)('node-cron') as typeof NodeCron;
}
