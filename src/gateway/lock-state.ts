import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { systemProcessProbe, type ProcessProbe } from './process-identity.ts';

/** Name of the lock file in `dataDir`. */
export const LOCK_FILE = 'gateway.lock';

/** An unreadable lock file younger than this is taken as being written by a starting gateway, ms. Older: a crash mid-write, stale. */
export const LOCK_WRITE_GRACE_MS = 2000;

/** What the lock file records about its holder (JSON, one line). */
export interface LockHolder {
  /** Process id. */
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat` when written; absent without `/proc`. */
  readonly startTime?: string;
  /** `/proc/sys/kernel/random/boot_id` when written; absent without `/proc`. */
  readonly bootId?: string;
  /** When the lock was taken, ISO 8601. */
  readonly since?: string;
}

/** What a look at `dataDir/gateway.lock` found; looking never changes it. */
export type LockState =
  | { readonly state: 'free' }
  /** A live gateway holds it. */
  | { readonly state: 'held'; readonly holder: LockHolder; readonly raw: string }
  /** Written by a process that is gone; the next start takes it over. */
  | { readonly state: 'stale'; readonly holder?: LockHolder; readonly reason: string; readonly raw: string }
  /** Being written by a gateway that is starting right now. */
  | { readonly state: 'starting'; readonly raw: string };

/** Parses a lock file's text; undefined when it is not one (empty after a crash mid-write, damaged). */
export function parseLockHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    return Number.isSafeInteger(value.pid) && value.pid! > 0 ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Why `holder` no longer holds its lock, or undefined while it does. */
export function staleReason(holder: LockHolder, probe: ProcessProbe): string | undefined {
  const bootId = probe.bootId();
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return `PID ${holder.pid} ran before the last boot`;
  if (!probe.alive(holder.pid)) return `PID ${holder.pid} is gone`;
  const startTime = probe.startTime(holder.pid);
  if (holder.startTime !== undefined && startTime !== undefined && holder.startTime !== startTime) {
    return `PID ${holder.pid} is now another process (start time ${startTime}, the lock's ${holder.startTime})`;
  }
  return undefined;
}

/**
 * Looks at `dataDir`'s lock without taking it (for `doctor`, `check-config`
 * and {@link acquireDataDirLock}). `now` (ms) dates an unreadable file.
 */
export function inspectDataDirLock(dataDir: string, probe: ProcessProbe = systemProcessProbe, now = Date.now()): LockState {
  const path = join(dataDir, LOCK_FILE);
  let raw: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { state: 'free' };
    throw error;
  }
  const holder = parseLockHolder(raw);
  if (!holder) {
    return now - mtimeMs < LOCK_WRITE_GRACE_MS
      ? { state: 'starting', raw }
      : { state: 'stale', reason: 'the lock file is empty or damaged (a crash or power cut while it was written)', raw };
  }
  const reason = staleReason(holder, probe);
  return reason === undefined ? { state: 'held', holder, raw } : { state: 'stale', holder, reason, raw };
}

/** One line for people: who holds `dataDir`, or that nobody does. */
export function describeLockState(dataDir: string, s: LockState): string {
  switch (s.state) {
    case 'free': return `no gateway is running on ${dataDir}`;
    case 'held': return `a gateway (PID ${s.holder.pid}${s.holder.since ? `, since ${s.holder.since}` : ''}) is running on this dataDir (${dataDir})`;
    case 'starting': return `a gateway is starting on ${dataDir} right now`;
    case 'stale': return `no gateway is running on ${dataDir}; a stale lock is left (${s.reason}): the next start takes it over`;
  }
}
