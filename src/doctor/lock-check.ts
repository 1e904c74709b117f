import { describeLockState, type LockState } from '../gateway/lock-state.ts';
import { messageOf, pass, warn, type CheckResult } from './check-result.ts';

/** Looks at `dataDir`'s lock without taking it: `inspectDataDirLock` from src/gateway in production. */
export type InspectLock = (dataDir: string) => LockState;

const NAME = 'gateway process on dataDir';

/**
 * Information, never a failure: whether a gateway holds `dataDir`'s lock
 * (doctor runs beside the service just as well), or a stale lock that the
 * next start takes over. While a gateway runs, the serial checks compete with
 * it for the broker's port, which the detail says.
 */
export function checkDataDirLock(dataDir: string, inspect: InspectLock): CheckResult {
  let state: LockState;
  try {
    state = inspect(dataDir);
  } catch (err) {
    return warn(NAME, `${dataDir}: cannot read the lock: ${messageOf(err)}`, `check the permissions of ${dataDir} (run doctor as the service user or with sudo)`);
  }
  const detail = describeLockState(dataDir, state);
  return pass(NAME, state.state === 'held' ? `${detail}; it holds the serial port, so the broker check may not see lines` : detail);
}
