/**
 * Backup and restore of one gateway: `espnow-gateway backup` / `restore`
 * (src/cli/backup.ts) and the scheduled {@link BackupService}.
 *
 * ```ts
 * const { file } = await createBackup({ configFile, config, toDir: '/var/backups', log });
 * const report = await restoreBackup({ archive: file, configFile: '/etc/espnow-gateway/gateway.yaml', log });
 * ```
 */
export { BackupError } from './backup-error.ts';
export { backupSchema, completeBackup, DEFAULT_BACKUP_DIR, DEFAULT_BACKUP_KEEP, type BackupConfig } from './backup-config.ts';
export { BackupService, cronScheduler, type BackupServiceOptions, type Scheduler } from './backup-service.ts';
export { createBackup, type BackupOptions, type BackupResult } from './create-backup.ts';
export { restoreBackup, type RestoreOptions, type RestoreReport } from './restore-backup.ts';
export { verifyArchive, type VerifiedArchive } from './verify-archive.ts';
export { MANIFEST_FORMAT, type Manifest, type ManifestFile } from './manifest.ts';
export { archivesToDelete, pruneArchives } from './retention.ts';
