import test from 'ava';
import { probeSyncOnce, syncProbeOptionsFromEnv, SYSTEMD_BOOTED_DIR, systemSyncProbe, TIMESYNC_FLAG_FILE } from '../../src/clock/index.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const TIMESYNC_DIR = '/run/systemd/timesync';
const enoent = (): Promise<string> => Promise.reject(Object.assign(new Error('spawn timedatectl ENOENT'), { code: 'ENOENT' }));
const existing = (...paths: string[]) => (p: string) => paths.includes(p);

test('the timesyncd flag file means synced, without asking timedatectl', (t) => {
  let asked = 0;
  const probe = systemSyncProbe({ exists: existing(TIMESYNC_FLAG_FILE, SYSTEMD_BOOTED_DIR), timedatectl: async () => { asked += 1; return 'no'; } });
  t.true(probe());
  t.is(probe.state(), 'synced');
  t.is(asked, 0);
});

test('without the flag file timedatectl is asked in the background, rate-limited', async (t) => {
  let mono = 0;
  let answer = 'no';
  let asked = 0;
  const probe = systemSyncProbe({
    exists: existing(SYSTEMD_BOOTED_DIR),
    timedatectl: async () => { asked += 1; return answer; },
    monotonic: () => mono,
    fallbackIntervalMs: 30_000,
  });
  t.false(probe());
  await tick();
  t.false(probe());
  t.is(asked, 1, 'not asked again within the interval');
  t.is(probe.state(), 'waiting', 'chrony not synced yet');
  answer = 'yes';
  mono += 30_000;
  t.false(probe(), 'answers from the last reply');
  await tick();
  t.true(probe());
  t.is(asked, 2);
});

test('a Pi whose timesyncd runs but has not synced (no network at boot) is waiting, not without source', async (t) => {
  const probe = systemSyncProbe({ exists: existing(TIMESYNC_DIR), useTimedatectl: false });
  t.is(probe.state(), 'waiting');
  t.regex(probe.source, /synchronized/);
});

test('no flag file, no timesyncd directory and timedatectl not installed: no sync source', async (t) => {
  const probe = systemSyncProbe({ exists: existing(SYSTEMD_BOOTED_DIR), timedatectl: enoent });
  t.is(probe.state(), 'waiting', 'until timedatectl has answered');
  await tick();
  t.is(probe.state(), 'no-source');
});

test('without systemd as PID 1 timedatectl is not even asked: no sync source', (t) => {
  let asked = 0;
  const probe = systemSyncProbe({ exists: () => false, timedatectl: async () => { asked += 1; return 'no'; } });
  t.is(probe.state(), 'no-source');
  t.is(asked, 0);
});

test('a timedatectl that fails otherwise (D-Bus timeout in a slow boot) keeps the probe waiting', async (t) => {
  const probe = systemSyncProbe({ exists: existing(SYSTEMD_BOOTED_DIR), timedatectl: () => Promise.reject(new Error('Failed to connect to bus: timeout')) });
  t.false(probe());
  await tick();
  t.is(probe.state(), 'waiting');
});

test('the environment names another flag file and turns timedatectl off (tests, non-standard systems)', (t) => {
  t.deepEqual(syncProbeOptionsFromEnv({ ESPNOW_TIMESYNC_FLAG_FILE: '/tmp/x/synchronized', ESPNOW_TIMEDATECTL: 'none' }), { flagFile: '/tmp/x/synchronized', useTimedatectl: false });
  t.deepEqual(syncProbeOptionsFromEnv({}), {});
});

test('probeSyncOnce waits for timedatectl and tells the three cases apart (doctor)', async (t) => {
  t.is((await probeSyncOnce({ exists: existing(SYSTEMD_BOOTED_DIR), timedatectl: async () => 'yes' })).state, 'synced');
  t.is((await probeSyncOnce({ exists: existing(SYSTEMD_BOOTED_DIR), timedatectl: async () => 'no' })).state, 'waiting');
  t.is((await probeSyncOnce({ exists: existing(SYSTEMD_BOOTED_DIR), timedatectl: enoent })).state, 'no-source');
  t.is((await probeSyncOnce({ exists: existing(TIMESYNC_DIR), useTimedatectl: false })).state, 'waiting');
  t.is((await probeSyncOnce({ exists: () => false })).state, 'no-source');
});

test('without a source the file system is looked at again only every fallbackIntervalMs, not per reading', (t) => {
  let mono = 0;
  let stats = 0;
  const probe = systemSyncProbe({ exists: () => { stats += 1; return false; }, monotonic: () => mono, fallbackIntervalMs: 30_000 });
  t.is(probe.state(), 'no-source');
  const after = stats;
  for (let i = 0; i < 1000; i += 1) probe.state();
  t.is(stats, after);
  mono += 30_000;
  t.is(probe.state(), 'no-source');
  t.true(stats > after);
});
