import { resolve } from 'node:path';
import { cron } from './cron.ts';
import { z } from 'zod';

/** `backup.keep` when not given: archives kept in `backup.dir`. */
export const DEFAULT_BACKUP_KEEP = 7;
/** `backup.dir` when not given, relative to `dataDir`. */
export const DEFAULT_BACKUP_DIR = 'backups';

/**
 * The `backup` section of the config file. `schedule` (a cron expression,
 * five or six fields, node-cron's syntax) turns the scheduled backup on;
 * without it nothing is scheduled and `espnow-gateway backup` still works.
 */
export const backupSchema = z.strictObject({
  schedule: z.string().refine((expr) => cron().validate(expr), { error: 'not a cron expression (e.g. "30 3 * * *" for 03:30 every day)' }).optional(),
  dir: z.string().min(1, { error: 'must not be empty' }).optional(),
  keep: z.number().int().min(1, { error: 'must be at least 1' }).optional(),
  withSecrets: z.boolean().optional(),
}).nullable();

/** The validated `backup` section. */
export interface BackupConfig {
  /** Cron expression of the scheduled backup (local time); absent = none scheduled. */
  readonly schedule?: string;
  /** Absolute directory of the archives. Default `<dataDir>/backups`; `espnow-gateway backup` writes here too unless `--to` says otherwise. */
  readonly dir: string;
  /** Archives of this gateway kept in `dir`; the oldest go after each scheduled backup. Default {@link DEFAULT_BACKUP_KEEP}. */
  readonly keep: number;
  /** Scheduled archives include the token files and inline tokens. Default false. */
  readonly withSecrets: boolean;
}

/** Fills in the defaults of a valid `backup` section; `dataDir` is absolute. */
export function completeBackup(file: z.infer<typeof backupSchema>, dataDir: string): BackupConfig {
  return {
    ...(file?.schedule ? { schedule: file.schedule } : {}),
    dir: file?.dir ? resolve(file.dir) : resolve(dataDir, DEFAULT_BACKUP_DIR),
    keep: file?.keep ?? DEFAULT_BACKUP_KEEP,
    withSecrets: file?.withSecrets ?? false,
  };
}
