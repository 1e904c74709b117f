import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, parseConfig, TOKEN_ENV, type Config } from '../config/index.ts';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '../gateway/data-dir-lock.ts';
import { describeLockState, inspectDataDirLock } from '../gateway/lock-state.ts';
import type { Logger } from '../log.ts';
import { Spool } from '../spool/spool.ts';
import { appendUnsent } from './append-unsent.ts';
import { BackupError } from './backup-error.ts';
import { rawConfig, redactConfig, secretFilesOf, withInlineSecrets } from './config-secrets.ts';
import { CONFIG_MEMBER, UNSENT_MEMBER, type Manifest } from './manifest.ts';
import { decide, heldDestinations, type Decision, type FileWrite } from './restore-plan.ts';
import { verifyArchive, type VerifiedArchive } from './verify-archive.ts';

/** Options of {@link restoreBackup}. */
export interface RestoreOptions {
  /** The archive. */
  readonly archive: string;
  /** Where the config goes; its `dataDir` receives the data. */
  readonly configFile: string;
  /** Replace an existing config, secret file or command state/log that differs. Default false: refuse (config, secrets) or keep (commands). */
  readonly force?: boolean;
  /** Environment the config is validated with (`INFLUX_TOKEN`). Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly log: Logger;
}

/** What {@link restoreBackup} did. */
export interface RestoreReport {
  readonly manifest: Manifest;
  readonly dataDir: string;
  /** `written` or `unchanged` (the same bytes were there). */
  readonly config: 'written' | 'unchanged';
  /** Files written, relative to dataDir or named by their config key. */
  readonly written: readonly string[];
  /** Files left as they were because the target's differ (commands without `force`). */
  readonly kept: readonly string[];
  /** Points appended to the spool. */
  readonly unsentPoints: number;
  /** Unsent points the target spool held before. */
  readonly pointsAlreadyThere: number;
  /** For people: placeholders to replace, secrets to copy. */
  readonly notes: readonly string[];
}

const bad = (code: string, message: string): BackupError => new BackupError(code, message, { badInput: true });

/**
 * Restores an archive: checks everything first (archive, checksums, config,
 * destinations, the `dataDir` lock), then, holding the lock, writes the
 * config, secrets, command state and log and held readings, and APPENDS the
 * unsent points to the spool through {@link Spool.append}. Throws
 * {@link BackupError}: `badInput` for the archive, config or a refused
 * overwrite (nothing changed), else a runtime failure.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreReport> {
  const archive = await verifyArchive(o.archive);
  const configText = archive.members.get(archive.manifest.files.find((f) => f.role === 'config')!.path)!;
  const { config, notes } = await validateConfig(o, archive, configText.toString('utf8'));
  const configFile = resolve(o.configFile);
  const configDecision = await decideConfig(configFile, configText, archive.manifest.withSecrets);
  if (configDecision === 'differs' && !o.force) {
    throw bad('RESTORE_CONFIG_EXISTS', `${configFile} exists and differs from the archive's config: refusing to overwrite it (--force replaces it)`);
  }
  const { writes, kept } = await plan(o, archive, config);
  const lock = await takeLock(config.dataDir, o.log);
  try {
    const { spool, before } = await openSpool(config, archive.manifest, o);
    try {
      if (configDecision !== 'unchanged') await writeAtomic({ path: configFile, data: configText, mode: 0o640, what: 'config' });
      for (const w of writes) await writeAtomic(w);
      const entry = archive.manifest.files.find((f) => f.path === UNSENT_MEMBER);
      const appended = entry ? await appendUnsent(o.archive, entry, spool) : 0;
      o.log.info({ archive: o.archive, dataDir: config.dataDir, unsentPoints: appended, files: writes.length }, 'backup restored');
      return { manifest: archive.manifest, dataDir: config.dataDir, config: configDecision === 'unchanged' ? 'unchanged' : 'written', written: writes.map((w) => w.what), kept, unsentPoints: appended, pointsAlreadyThere: before, notes };
    } finally {
      await spool.close();
    }
  } finally {
    lock.release();
  }
}

/** Like {@link decide}; without secrets in the archive, a config that differs only in the secrets it redacted is `unchanged` (its real secrets are kept). */
async function decideConfig(path: string, archived: Buffer, withSecrets: boolean): Promise<Decision> {
  const d = await decide(path, archived);
  if (d !== 'differs' || withSecrets) return d;
  return redactConfig(await readFile(path, 'utf8')).text === archived.toString('utf8') ? 'unchanged' : 'differs';
}

/** Validates the archive's config as the gateway would load it from `configFile`, with the archived token file inline. */
async function validateConfig(o: RestoreOptions, archive: VerifiedArchive, text: string): Promise<{ config: Config; notes: string[] }> {
  const notes = [...archive.manifest.notes];
  const secrets = new Map(archive.manifest.files.filter((f) => f.role === 'secret' && f.target).map((f) => [f.target!, archive.members.get(f.path)!.toString('utf8')]));
  const checkText = withInlineSecrets(text, secrets);
  const env = { ...(o.env ?? process.env) };
  const raw = rawConfig(text) as { influx?: { token?: unknown; tokenFile?: unknown } } | null;
  if (raw?.influx && raw.influx.token === undefined && raw.influx.tokenFile === undefined && !env[TOKEN_ENV]) {
    env[TOKEN_ENV] = 'restore-check';
    notes.push(`influx: the token comes from ${TOKEN_ENV}: give it to the service's environment`);
  }
  try {
    return { config: await parseConfig(checkText, `${basename(o.archive)}:${CONFIG_MEMBER}`, env), notes };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw bad('RESTORE_CONFIG_INVALID', `the archive's config is not valid here:\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Every file to write besides the config, and the command files kept; throws for a secret file that differs (without force). */
async function plan(o: RestoreOptions, archive: VerifiedArchive, config: Config): Promise<{ writes: FileWrite[]; kept: string[] }> {
  const { files } = archive.manifest;
  const writes: FileWrite[] = [];
  const kept: string[] = [];
  const secretPaths = new Map(secretFilesOf(rawConfig(archive.members.get(CONFIG_MEMBER)!.toString('utf8')), config.dataDir).map((s) => [s.key, s.path]));
  for (const f of files.filter((x) => x.role === 'secret')) {
    const path = secretPaths.get(f.target ?? '');
    if (!path) continue;
    const data = archive.members.get(f.path)!;
    const d = await decide(path, data);
    if (d === 'differs' && !o.force) throw bad('RESTORE_SECRET_EXISTS', `${path} (${f.target}) exists and differs from the archive's: refusing to overwrite it (--force replaces it)`);
    if (d !== 'unchanged') writes.push({ path, data, mode: 0o600, what: f.target! });
  }
  for (const f of files.filter((x) => x.role === 'command-state' || x.role === 'command-log')) {
    const path = join(config.dataDir, f.target!);
    const data = archive.members.get(f.path)!;
    const d = await decide(path, data);
    if (d === 'differs' && !o.force) kept.push(f.target!);
    else if (d !== 'unchanged') writes.push({ path, data, mode: 0o644, what: f.target! });
  }
  writes.push(...(await heldDestinations(config.dataDir, files.filter((x) => x.role === 'held'), archive.members)));
  return { writes, kept };
}

/** Refuses a dataDir a running gateway holds (naming its PID), then takes the lock for the restore. */
async function takeLock(dataDir: string, log: Logger): Promise<DataDirLock> {
  const state = inspectDataDirLock(dataDir);
  if (state.state === 'held' || state.state === 'starting') throw bad('DATA_DIR_LOCKED', `${describeLockState(dataDir, state)}: stop it first (sudo systemctl stop espnow-gateway)`);
  try {
    return await acquireDataDirLock(dataDir, { log });
  } catch (error) {
    if (error instanceof DataDirLockedError) throw bad('DATA_DIR_LOCKED', error.message);
    throw error;
  }
}

/** Opens the target spool and checks it has room for the archive's points beside its own (which are never dropped for them). */
async function openSpool(config: Config, manifest: Manifest, o: RestoreOptions): Promise<{ spool: Spool; before: number }> {
  const spool = new Spool({ dir: join(config.dataDir, 'spool'), maxBytes: config.spool.maxBytes, fsyncIntervalMs: config.spool.fsyncIntervalMs, log: o.log });
  await spool.open();
  const stats = spool.stats();
  const entry = manifest.files.find((f) => f.path === UNSENT_MEMBER);
  const need = (entry?.size ?? 0) + 8 * manifest.unsentPoints;
  if (stats.pendingBytes + need > stats.effectiveMaxBytes) {
    await spool.close();
    throw new BackupError('RESTORE_SPOOL_FULL', `${join(config.dataDir, 'spool')}: ${stats.pendingBytes} bytes of unsent points are there and the archive's need ${need}, more than the spool's bound of ${stats.effectiveMaxBytes} bytes (spool.maxBytes or the free disk): raise spool.maxBytes or free space; nothing was changed`, { badInput: false });
  }
  return { spool, before: stats.pendingLines };
}

/** Writes a file whole or not at all: `<path>.tmp`, fsync, rename. */
async function writeAtomic(w: FileWrite): Promise<void> {
  await mkdir(dirname(w.path), { recursive: true });
  const tmp = `${w.path}.restore-tmp`;
  const file = await open(tmp, 'w', w.mode);
  try {
    await file.writeFile(w.data);
    await file.sync();
  } finally {
    await file.close();
  }
  await chmod(tmp, w.mode);
  await rename(tmp, w.path);
}
