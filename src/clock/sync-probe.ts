import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * What the system says about its clock:
 * - `synced`: NTP has synced it since boot;
 * - `waiting`: a sync source exists (timesyncd, or timedated answering for
 *   chrony/ntpd) but has not synced yet: a Pi that booted without network;
 * - `no-source`: nothing on this machine can tell (a container, a distribution
 *   without systemd): waiting would hold readings forever.
 */
export type SyncState = 'synced' | 'waiting' | 'no-source';

/** Options of {@link systemSyncProbe}. */
export interface SyncProbeOptions {
  /**
   * File systemd-timesyncd touches on its first successful sync after boot
   * (systemd >= 239, man systemd-timesyncd.service); its directory is the
   * service's RuntimeDirectory, present whenever timesyncd runs. Default
   * {@link TIMESYNC_FLAG_FILE}; environment `ESPNOW_TIMESYNC_FLAG_FILE`.
   */
  flagFile?: string;
  /**
   * Ask `timedatectl` when the flag file is absent (chrony, ntpd). Default
   * true; environment `ESPNOW_TIMEDATECTL=none` turns it off.
   */
  useTimedatectl?: boolean;
  /** How often, in ms, the fallback `timedatectl` is asked at most. Default 30000. */
  fallbackIntervalMs?: number;
  /** Checks a path; default `fs.existsSync`. */
  exists?: (path: string) => boolean;
  /** Asks `timedatectl show -p NTPSynchronized --value`; resolves its trimmed output, rejects with the spawn error. */
  timedatectl?: () => Promise<string>;
  /** Monotonic ms, for the fallback's rate limit; default `performance.now()`. */
  monotonic?: () => number;
}

/** Default flag file of systemd-timesyncd. */
export const TIMESYNC_FLAG_FILE = '/run/systemd/timesync/synchronized';
/** Exists when systemd is PID 1 (sd_booted(3)); without it `timedatectl` cannot answer. */
export const SYSTEMD_BOOTED_DIR = '/run/systemd/system';

/** A sync probe: call it for "synced?", ask {@link SyncProbe.state} for the whole answer. */
export interface SyncProbe {
  (): boolean;
  /** Synced, waiting for a source, or no source at all. */
  state(): SyncState;
  /** What a sync would look like, for logs and `doctor`. */
  readonly source: string;
}

/**
 * Probe options from the environment, for tests and non-standard systems:
 * `ESPNOW_TIMESYNC_FLAG_FILE` names the flag file to watch instead of
 * timesyncd's; `ESPNOW_TIMEDATECTL=none` never asks `timedatectl`.
 */
export function syncProbeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SyncProbeOptions {
  return {
    ...(env.ESPNOW_TIMESYNC_FLAG_FILE ? { flagFile: env.ESPNOW_TIMESYNC_FLAG_FILE } : {}),
    ...(env.ESPNOW_TIMEDATECTL === 'none' ? { useTimedatectl: false } : {}),
  };
}

const describeSource = (flagFile: string, timedatectl: boolean): string =>
  timedatectl ? `the flag file ${flagFile} or timedatectl NTPSynchronized=yes` : `the flag file ${flagFile}`;

const runTimedatectl = (): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, stdout) =>
      err ? reject(err) : resolve(String(stdout).trim()),
    );
  });

/**
 * Whether the system clock is synced, cheaply enough to ask per reading.
 *
 * First choice is a `stat` of timesyncd's flag file (Raspberry Pi OS runs
 * systemd-timesyncd): no process, no D-Bus. A Pi that runs chrony or ntpd
 * instead never creates that file, so while it is absent the probe also asks
 * `timedatectl` (the kernel's STA_UNSYNC flag through timedated) in the
 * background, at most every `fallbackIntervalMs`, and answers from the last
 * reply. Once synced, it stays synced: the kernel flag can flicker during a
 * long network outage, yet the clock keeps running on the drift timesyncd
 * trained, which is good to well under a second a day.
 *
 * No source: the flag file's directory is absent (timesyncd does not run)
 * and `timedatectl` cannot answer: turned off, not installed (ENOENT), or
 * systemd is not PID 1. A `timedatectl` that fails otherwise (a D-Bus timeout
 * during a slow boot) is asked again: trusting an unsynced clock on a Pi that
 * runs chrony would store readings hours off.
 */
export function systemSyncProbe(options: SyncProbeOptions = {}): SyncProbe {
  const flagFile = options.flagFile ?? TIMESYNC_FLAG_FILE;
  const exists = options.exists ?? existsSync;
  const ask = options.timedatectl ?? runTimedatectl;
  const monotonic = options.monotonic ?? (() => performance.now());
  const interval = options.fallbackIntervalMs ?? 30_000;
  let fallback = options.useTimedatectl !== false && exists(SYSTEMD_BOOTED_DIR);
  let synced = false;
  let askedAt = -Infinity;
  let asking = false;
  const probe = (): boolean => {
    if (synced) return true;
    if (exists(flagFile)) return (synced = true);
    if (fallback && !asking && monotonic() - askedAt >= interval) {
      asking = true;
      askedAt = monotonic();
      ask().then(
        (answer) => { if (answer === 'yes') synced = true; },
        (err: NodeJS.ErrnoException) => { if (err?.code === 'ENOENT') fallback = false; },
      ).finally(() => { asking = false; });
    }
    return synced;
  };
  // Without a source the answer is asked per reading for ever: look again only every `interval`.
  let noSourceAt = -Infinity;
  const state = (): SyncState => {
    if (synced) return 'synced';
    if (monotonic() - noSourceAt < interval) return 'no-source';
    if (probe()) return 'synced';
    if (fallback || exists(dirname(flagFile))) return 'waiting';
    noSourceAt = monotonic();
    return 'no-source';
  };
  return Object.assign(probe, { state, source: describeSource(flagFile, options.useTimedatectl !== false) });
}

/** What {@link probeSyncOnce} found. */
export interface SyncAnswer {
  state: SyncState;
  /** What a sync looks like here, e.g. `the flag file /run/systemd/timesync/synchronized or timedatectl NTPSynchronized=yes`. */
  source: string;
}

/**
 * The same decision as {@link systemSyncProbe}, answered once and in full
 * (waits for `timedatectl`): for `doctor`.
 */
export async function probeSyncOnce(options: SyncProbeOptions = syncProbeOptionsFromEnv()): Promise<SyncAnswer> {
  const flagFile = options.flagFile ?? TIMESYNC_FLAG_FILE;
  const exists = options.exists ?? existsSync;
  const source = describeSource(flagFile, options.useTimedatectl !== false);
  if (exists(flagFile)) return { state: 'synced', source };
  let fallback = options.useTimedatectl !== false && exists(SYSTEMD_BOOTED_DIR);
  if (fallback) {
    try {
      if ((await (options.timedatectl ?? runTimedatectl)()) === 'yes') return { state: 'synced', source };
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') fallback = false;
    }
  }
  return { state: fallback || exists(dirname(flagFile)) ? 'waiting' : 'no-source', source };
}
