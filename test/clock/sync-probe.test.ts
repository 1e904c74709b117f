import test from 'ava';
import { systemSyncProbe } from '../../src/clock/index.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('the timesyncd flag file means synced, without asking timedatectl', (t) => {
  let asked = 0;
  const probe = systemSyncProbe({ exists: (p) => p === '/run/systemd/timesync/synchronized', timedatectl: async () => { asked += 1; return 'no'; } });
  t.true(probe());
  t.is(asked, 0);
});

test('without the flag file timedatectl is asked in the background, rate-limited', async (t) => {
  let mono = 0;
  let answer = 'no';
  let asked = 0;
  const probe = systemSyncProbe({
    exists: () => false,
    timedatectl: async () => { asked += 1; return answer; },
    monotonic: () => mono,
    fallbackIntervalMs: 30_000,
  });
  t.false(probe());
  await tick();
  t.false(probe());
  t.is(asked, 1, 'not asked again within the interval');
  answer = 'yes';
  mono += 30_000;
  t.false(probe(), 'answers from the last reply');
  await tick();
  t.true(probe());
  t.is(asked, 2);
});

test('a missing timedatectl leaves the probe unsynced instead of failing', async (t) => {
  const probe = systemSyncProbe({ exists: () => false, timedatectl: () => Promise.reject(new Error('ENOENT')) });
  t.false(probe());
  await tick();
  t.false(probe());
});
