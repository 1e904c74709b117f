import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { packagePath } from '../package-root.ts';
import { BackupError } from './backup-error.ts';
import { rawConfig, redactConfig, SECRET_PLACEHOLDER, secretFilesOf } from './config-secrets.ts';
import { dataDirMembers, type StagedMember } from './data-dir-members.ts';
import { CONFIG_MEMBER, MANIFEST_FORMAT, MANIFEST_NAME, UNSENT_MEMBER, type Manifest } from './manifest.ts';
import { sha256Of, sha256OfFile } from './sha256.ts';
import { snapshotUnsent } from './spool-snapshot.ts';
import { writeTarGz } from './tar-gz-writer.ts';
import { archiveName } from './archive-name.ts';

/** Options of {@link createBackup}. */
export interface BackupOptions {
  /** The config file (copied into the archive). */
  readonly configFile: string;
  /** That file, loaded (for `dataDir` and `gateway`). */
  readonly config: Config;
  /** Directory the archive goes to; created if missing. */
  readonly toDir: string;
  /** Include the token files and inline tokens. Default false: left out, inline ones replaced by a placeholder. */
  readonly withSecrets?: boolean;
  /** Wall clock, ms since the epoch (the archive's name and `createdAt`). Default `Date.now`. */
  readonly now?: () => number;
  readonly log: Logger;
}

/** What {@link createBackup} wrote. */
export interface BackupResult {
  /** Absolute path of the archive. */
  readonly file: string;
  readonly manifest: Manifest;
}

/** The package.json version. */
export const gatewayVersion = (): string => (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

const NODE_STATE_NOTE = 'node state: this version keeps none on disk (nodes are known again from their next message; their names are in the config)';

/**
 * Writes one archive `espnow-gateway-<gateway>-<time>.tar.gz` to `toDir`:
 * `manifest.json`, the config, the command state and log, the held-readings
 * journal, the spool's unsent points as line protocol (spool-snapshot.ts),
 * and with `withSecrets` the secret files. Never takes the `dataDir` lock:
 * it runs beside the service. Throws {@link BackupError} naming what failed.
 */
export async function createBackup(o: BackupOptions): Promise<BackupResult> {
  const now = (o.now ?? Date.now)();
  const toDir = resolve(o.toDir);
  const work = join(toDir, `.espnow-backup-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(work, { recursive: true });
    const configText = await readFile(o.configFile, 'utf8');
    const notes = [NODE_STATE_NOTE];
    const members = [configMember(configText, !!o.withSecrets, o.configFile, notes), ...(await dataDirMembers(o.config.dataDir))];
    const unsentPath = join(work, 'unsent.lp');
    const unsent = await snapshotUnsent(join(o.config.dataDir, 'spool'), join(work, 'spool'), unsentPath);
    if (unsent.damaged > 0) notes.push(`spool: ${unsent.damaged} damaged record(s) skipped, as the gateway skips them`);
    members.push({ name: UNSENT_MEMBER, role: 'unsent', mode: 0o600, source: { path: unsentPath, size: unsent.bytes } });
    members.push(...(await secretMembers(configText, o.config.dataDir, !!o.withSecrets, notes)));
    const manifest = await manifestOf(members, { now, config: o.config, configFile: resolve(o.configFile), withSecrets: !!o.withSecrets, unsentPoints: unsent.points, notes });
    const file = join(toDir, archiveName(o.config.gateway, now));
    await writeTarGz(file, [{ name: MANIFEST_NAME, mode: 0o644, source: { data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) } }, ...members], Math.floor(now / 1000));
    o.log.info({ file, unsentPoints: unsent.points, files: manifest.files.length, withSecrets: manifest.withSecrets }, 'backup written');
    return { file, manifest };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new BackupError('BACKUP_FAILED', `backup to ${toDir} failed: ${e.path ? `${e.path}: ` : ''}${e.code ?? e.message}`, { badInput: false, cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function configMember(text: string, withSecrets: boolean, configFile: string, notes: string[]): StagedMember {
  const { text: out, redacted } = withSecrets ? { text, redacted: [] } : redactConfig(text);
  for (const key of redacted) notes.push(`${key}: replaced by ${SECRET_PLACEHOLDER} (no --with-secrets): put the secret back into ${basename(configFile)} after a restore`);
  return { name: CONFIG_MEMBER, role: 'config', mode: redacted.length > 0 || withSecrets ? 0o600 : 0o644, source: { data: Buffer.from(out) } };
}

async function secretMembers(configText: string, dataDir: string, withSecrets: boolean, notes: string[]): Promise<StagedMember[]> {
  const out: StagedMember[] = [];
  for (const { key, path } of secretFilesOf(rawConfig(configText), dataDir)) {
    const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!data) continue;
    if (withSecrets) out.push({ name: `secrets/${key}`, role: 'secret', target: key, mode: 0o600, source: { data } });
    else notes.push(`${key}: ${path} left out (no --with-secrets): copy it to the new machine yourself`);
  }
  return out;
}

async function manifestOf(
  members: readonly StagedMember[],
  m: { now: number; config: Config; configFile: string; withSecrets: boolean; unsentPoints: number; notes: string[] },
): Promise<Manifest> {
  const files = [];
  for (const member of members) {
    const { source } = member;
    const [size, sha256] = 'data' in source ? [source.data.length, sha256Of(source.data)] : [source.size, await sha256OfFile(source.path)];
    files.push({ path: member.name, size, sha256, role: member.role, ...(member.target ? { target: member.target } : {}) });
  }
  return {
    format: MANIFEST_FORMAT, gatewayVersion: gatewayVersion(), createdAt: new Date(m.now).toISOString(), gateway: m.config.gateway,
    configFile: m.configFile, withSecrets: m.withSecrets, unsentPoints: m.unsentPoints, notes: m.notes, files,
  };
}
