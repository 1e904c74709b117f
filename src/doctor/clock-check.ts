import { DEFAULT_MIN_PLAUSIBLE_WALL_MS, type SyncAnswer } from '../clock/index.ts';
import { fail, pass, type CheckResult } from './check-result.ts';

const NAME = 'clock synced (NTP)';
const NTP_FIX = 'the Pi needs network to an NTP server: timedatectl timesync-status; systemctl status systemd-timesyncd; check /etc/systemd/timesyncd.conf';

/**
 * What the gateway does with the clock as it is. `synced()` answers
 * definitively (flag file, then `timedatectl`, see probeSyncOnce); a bare
 * boolean means synced or waiting. `now()` is shown in the detail.
 */
export async function checkClock(requireSync: boolean, synced: () => Promise<boolean | SyncAnswer>, now: () => number): Promise<CheckResult> {
  const wallMs = now();
  const wall = new Date(wallMs).toISOString();
  const raw = await synced();
  const answer: SyncAnswer = typeof raw === 'boolean' ? { state: raw ? 'synced' : 'waiting', source: 'an NTP sync' } : raw;
  if (answer.state === 'synced') return pass(NAME, `system clock synced, ${wall}`);
  if (answer.state === 'no-source') {
    const none = 'no sync source on this machine (no systemd-timesyncd, no usable timedatectl: a container or a system without systemd)';
    if (wallMs >= DEFAULT_MIN_PLAUSIBLE_WALL_MS) {
      return pass(NAME, `${none}: the gateway trusts the system clock, which reads ${wall} (after 2025-01-01), and stores readings with it`);
    }
    return fail(NAME, `${none}, and the clock reads ${wall}, before 2025: readings are held on disk (dataDir/held) until the clock is set`,
      'set the clock (the host\'s clock for a container, or date -s), or install an NTP client: apt install systemd-timesyncd');
  }
  const effect = requireSync
    ? `readings are held on disk (dataDir/held) and stored with the time they arrived once it syncs; waiting for ${answer.source}`
    : 'clock.requireSync is false: readings are stored with this possibly wrong time';
  return fail(NAME, `not synced; the clock reads ${wall}; ${effect}`, NTP_FIX);
}
