import { execFile } from 'node:child_process';
import { access, realpath, stat, statfs } from 'node:fs/promises';
import { loadConfigWithWarnings } from '../config/index.ts';
import { inspectDataDirLock } from '../gateway/lock-state.ts';
import { TIMESYNC_FLAG_FILE } from '../clock/index.ts';
import { openPort } from '../serial/open-port.ts';
import type { DoctorDeps } from './run-doctor.ts';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Synced when timesyncd's flag file exists, else when `timedatectl` says so (chrony, ntpd). */
async function clockSynced(): Promise<boolean> {
  if (await exists(TIMESYNC_FLAG_FILE)) return true;
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, stdout) =>
      resolve(!err && String(stdout).trim() === 'yes'));
  });
}

/** The real dependencies of `doctor`. */
export function systemDoctorDeps(env: NodeJS.ProcessEnv = process.env): DoctorDeps {
  return {
    loadConfig: loadConfigWithWarnings,
    inspectLock: (dataDir) => inspectDataDirLock(dataDir),
    env,
    fs: { realpath, stat, access },
    openPort,
    fetch: globalThis.fetch,
    exists,
    statfs,
    clockSynced,
    now: () => Date.now(),
  };
}
