import { access, realpath, stat, statfs } from 'node:fs/promises';
import { loadConfigWithWarnings } from '../config/index.ts';
import { inspectDataDirLock } from '../gateway/lock-state.ts';
import { probeSyncOnce, syncProbeOptionsFromEnv } from '../clock/index.ts';
import { openPort } from '../serial/open-port.ts';
import type { DoctorDeps } from './run-doctor.ts';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

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
    clockSynced: () => probeSyncOnce(syncProbeOptionsFromEnv(env)),
    now: () => Date.now(),
  };
}
