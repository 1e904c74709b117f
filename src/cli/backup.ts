import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, createBackup, DEFAULT_BACKUP_DIR, restoreBackup, type BackupConfig, type RestoreReport } from '../backup/index.ts';
import { ConfigError, loadConfigWithWarnings, type Config } from '../config/index.ts';
import { createLogger } from '../log.ts';

/** `--config` when `backup` is given none: where the installer puts the config. */
export const DEFAULT_CONFIG_FILE = '/etc/espnow-gateway/gateway.yaml';

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Prints a failure; exit 2 for bad input (archive, config, usage), 1 for a runtime failure. */
function fail(command: string, error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.problems.map((p) => `espnow-gateway ${command}: ${p}`).join('\n')}\n`);
    return 2;
  }
  if (error instanceof BackupError) {
    process.stderr.write(`espnow-gateway ${command}: ${error.message}\n`);
    return error.badInput ? 2 : 1;
  }
  process.stderr.write(`espnow-gateway ${command}: ${firstLine(error)}\n`);
  return 1;
}

/**
 * `backup [--config FILE] [--to DIR] [--with-secrets]`: one archive of the
 * config, command state and log, held readings and the spool's unsent
 * points, written beside a running gateway (no lock taken). `--to` defaults
 * to `backup.dir` (`<dataDir>/backups`). Prints the archive's path.
 */
export async function backupCommand(argv: string[]): Promise<number> {
  let values: { config?: string; to?: string; 'with-secrets'?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, to: { type: 'string' }, 'with-secrets': { type: 'boolean' } }, strict: true }));
  } catch (error) {
    process.stderr.write(`espnow-gateway backup: ${firstLine(error)}\n`);
    return 2;
  }
  const configFile = values.config ?? DEFAULT_CONFIG_FILE;
  try {
    const { config } = await loadConfigWithWarnings(configFile);
    const withBackup = config as Config & { backup?: BackupConfig };
    const toDir = values.to ?? withBackup.backup?.dir ?? resolve(config.dataDir, DEFAULT_BACKUP_DIR);
    const log = createLogger({ level: 'warn', destination: process.stderr });
    const { file, manifest } = await createBackup({ configFile, config, toDir, withSecrets: values['with-secrets'], log });
    process.stdout.write(`${file}\n  ${manifest.unsentPoints} unsent points, ${manifest.files.length} files${manifest.withSecrets ? ', with secrets' : ''}\n`);
    for (const note of manifest.notes) process.stdout.write(`  note: ${note}\n`);
    return 0;
  } catch (error) {
    return fail('backup', error);
  }
}

/**
 * `restore --config FILE [--force] ARCHIVE`: checks the archive (manifest,
 * checksums, config) and that no gateway runs on its dataDir before it
 * changes anything, then writes the config to FILE and appends the unsent
 * points to the spool. Prints what it did.
 */
export async function restoreCommand(argv: string[]): Promise<number> {
  let parsed: { values: { config?: string; force?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, force: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`espnow-gateway restore: ${firstLine(error)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (!values.config || positionals.length !== 1) {
    process.stderr.write('espnow-gateway restore: usage: restore --config FILE [--force] ARCHIVE\n');
    return 2;
  }
  try {
    const log = createLogger({ level: 'warn', destination: process.stderr });
    const report = await restoreBackup({ archive: positionals[0], configFile: values.config, force: values.force, log });
    printReport(values.config, report);
    return 0;
  } catch (error) {
    return fail('restore', error);
  }
}

function printReport(configFile: string, r: RestoreReport): void {
  const out = process.stdout;
  out.write(`restored ${r.manifest.gateway}'s backup of ${r.manifest.createdAt} (gateway ${r.manifest.gatewayVersion}) into ${r.dataDir}\n`);
  out.write(`  config: ${configFile} ${r.config}\n`);
  out.write(`  unsent points: ${r.unsentPoints} appended to the spool (${r.pointsAlreadyThere} were already waiting there, kept)\n`);
  if (r.written.length > 0) out.write(`  files written: ${r.written.join(', ')}\n`);
  if (r.kept.length > 0) out.write(`  kept the target's own (they differ; --force replaces them): ${r.kept.join(', ')}\n`);
  for (const note of r.notes) out.write(`  note: ${note}\n`);
}
