import { fail, pass, type CheckResult } from './check-result.ts';

const NAME = 'clock synced (NTP)';

/** `synced()` answers definitively (flag file, then `timedatectl`); `now()` is shown in the detail. */
export async function checkClock(requireSync: boolean, synced: () => Promise<boolean>, now: () => number): Promise<CheckResult> {
  const wall = new Date(now()).toISOString();
  if (await synced()) return pass(NAME, `system clock synced, ${wall}`);
  const effect = requireSync
    ? 'readings are held in memory (not stored) until it syncs'
    : 'clock.requireSync is false: readings are stored with this possibly wrong time';
  return fail(NAME, `not synced; the clock reads ${wall}; ${effect}`,
    'the Pi needs network to an NTP server: timedatectl timesync-status; systemctl status systemd-timesyncd; check /etc/systemd/timesyncd.conf');
}
