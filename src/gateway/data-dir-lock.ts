/**
 * One gateway per `dataDir`. Two processes on one spool destroy each other's
 * segments (issue 10: a second gateway started by hand deleted the running
 * one's active segment; 12,400 of 15,000 frames were lost), so `run` takes
 * this lock before the spool opens and holds it for the life of the process.
 *
 * Node has no flock(2), and a lock that must survive SIGKILL and power cuts
 * must be recognisable as stale anyway, so the lock is a file:
 * `<dataDir>/gateway.lock`, created with O_CREAT|O_EXCL (`'wx'`), which the
 * kernel lets exactly one of any number of racing processes do. It holds the
 * holder's PID, start time and boot id ({@link ProcessProbe}): a lock whose
 * PID is gone, reused by another process, or from an earlier boot is stale
 * and taken over, with a log line. Taking over must not let two starters both
 * win: each first creates (O_EXCL again) a marker named after the stale
 * file's exact content, re-reads the lock under it and deletes it only if it
 * is still that stale content; then both race on the O_EXCL create again.
 * The lock is removed on exit (normal stop, SIGTERM, an uncaught error, via
 * the process `exit` event), and only if it is still this process's.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { inspectDataDirLock, LOCK_FILE, type LockHolder } from './lock-state.ts';
import { systemProcessProbe, type ProcessProbe } from './process-identity.ts';

/** How long {@link acquireDataDirLock} keeps trying while another process is writing or taking over the lock, ms. */
export const LOCK_ACQUIRE_TIMEOUT_MS = 5000;
/** A take-over marker older than this was left by a process that died mid-take-over, ms. */
const MARKER_STALE_MS = 10_000;
const RETRY_MS = 25;

/** `dataDir` is held by a live gateway. `code` `DATA_DIR_LOCKED`. */
export class DataDirLockedError extends GatewayError {
  constructor(readonly dataDir: string, readonly holder: LockHolder) {
    super('DATA_DIR_LOCKED', `${dataDir} is in use by another gateway (PID ${holder.pid}${holder.since ? `, running since ${holder.since}` : ''}); ` +
      'stop it first (sudo systemctl stop espnow-gateway) or give this one another dataDir');
  }
}

/** A held lock. */
export interface DataDirLock {
  /** `<dataDir>/gateway.lock`. */
  readonly path: string;
  /** Removes the lock if it is still ours; idempotent. Also runs on process exit. */
  release(): void;
}

/** Options of {@link acquireDataDirLock}. */
export interface LockOptions {
  log: Logger;
  /** Default the real `/proc` and `kill(pid, 0)`. */
  probe?: ProcessProbe;
  /** Default {@link LOCK_ACQUIRE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * Takes `dataDir`'s lock, creating `dataDir` if needed. Throws
 * {@link DataDirLockedError} when a live gateway holds it, and a
 * `DATA_DIR_UNWRITABLE` GatewayError when `dataDir` cannot be created or written.
 */
export async function acquireDataDirLock(dataDir: string, options: LockOptions): Promise<DataDirLock> {
  const probe = options.probe ?? systemProcessProbe;
  const path = join(dataDir, LOCK_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new GatewayError('DATA_DIR_UNWRITABLE', `${dataDir} cannot be created: ${errno(error) ?? String(error)}`, { cause: error });
  }
  const content = `${JSON.stringify({
    pid: process.pid, startTime: probe.startTime(process.pid), bootId: probe.bootId(), since: new Date().toISOString(),
  } satisfies LockHolder)}\n`;
  const deadline = Date.now() + (options.timeoutMs ?? LOCK_ACQUIRE_TIMEOUT_MS);
  for (;;) {
    if (tryCreate(path, content)) return held(path, content);
    const state = inspectDataDirLock(dataDir, probe);
    if (state.state === 'held') throw new DataDirLockedError(dataDir, state.holder);
    if (state.state === 'stale' && takeOver(path, state.raw)) {
      options.log.warn({ dataDir, stalePid: state.holder?.pid, reason: state.reason }, `took over the stale lock on ${dataDir}: ${state.reason}`);
      continue;
    }
    if (Date.now() > deadline) throw new GatewayError('DATA_DIR_LOCK_TIMEOUT', `${path}: could not take the lock within ${options.timeoutMs ?? LOCK_ACQUIRE_TIMEOUT_MS} ms (another gateway keeps starting?)`);
    await sleep(RETRY_MS);
  }
}

/** O_EXCL-creates the lock with `content`: true when this process now holds it, false when it exists. */
function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw new GatewayError('DATA_DIR_UNWRITABLE', `${path} cannot be created: ${errno(error) ?? String(error)}`, { cause: error });
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw new GatewayError('DATA_DIR_UNWRITABLE', `${path} cannot be written: ${errno(error) ?? String(error)}`, { cause: error });
  }
  closeSync(fd);
  return true;
}

/** Deletes the lock if it still holds exactly `staleRaw`, under a marker only one process can create. True when this process deleted it. */
function takeOver(path: string, staleRaw: string): boolean {
  const marker = `${path}.takeover-${createHash('sha256').update(staleRaw).digest('hex').slice(0, 16)}`;
  try {
    closeSync(openSync(marker, 'wx', 0o644));
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw new GatewayError('DATA_DIR_UNWRITABLE', `${marker} cannot be created: ${errno(error) ?? String(error)}`, { cause: error });
    removeIfOlder(marker, MARKER_STALE_MS);
    return false;
  }
  try {
    if (readOr(path) !== staleRaw) return false;
    unlinkSync(path);
    return true;
  } finally {
    unlinkSync(marker);
  }
}

function held(path: string, content: string): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readOr(path) === content) {
      try { unlinkSync(path); } catch { /* gone already: nothing to release */ }
    }
  };
  process.on('exit', release);
  return { path, release };
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function removeIfOlder(path: string, ageMs: number): void {
  try {
    if (Date.now() - statSync(path).mtimeMs > ageMs) unlinkSync(path);
  } catch { /* removed meanwhile */ }
}
