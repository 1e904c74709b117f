import test from 'ava';
import { DAILY_MS, decideRefresh, inQuietHours, type RefreshAction, type RefreshPolicy } from '../../src/display/refresh-policy.ts';

const P: RefreshPolicy = { minRefreshS: 180, partial: false, fullRefreshEvery: 3, minuteOfDay: 12 * 60 };
const T = 1_000_000_000;

const rows: [string, Parameters<typeof decideRefresh>, RefreshAction][] = [
  ['first refresh is full, changed or not', [{ partialsSinceFull: 0 }, T, false, P], 'full'],
  ['nothing sooner than minRefreshS', [{ lastRefreshMs: T - 179_999, lastFullMs: T - 179_999, partialsSinceFull: 0 }, T, true, P], 'none'],
  ['a change after minRefreshS: full on a three-colour panel', [{ lastRefreshMs: T - 180_000, lastFullMs: T - 180_000, partialsSinceFull: 0 }, T, true, P], 'full'],
  ['no change: nothing', [{ lastRefreshMs: T - 3_600_000, lastFullMs: T - 3_600_000, partialsSinceFull: 0 }, T, false, P], 'none'],
  ['no change but a day since the last full: full', [{ lastRefreshMs: T - 600_000, lastFullMs: T - DAILY_MS, partialsSinceFull: 2 }, T, false, P], 'full'],
  ['B/W: partial while fewer than fullRefreshEvery', [{ lastRefreshMs: T - 200_000, lastFullMs: T - 400_000, partialsSinceFull: 2 }, T, true, { ...P, partial: true }], 'partial'],
  ['B/W: full after fullRefreshEvery partials', [{ lastRefreshMs: T - 200_000, lastFullMs: T - 900_000, partialsSinceFull: 3 }, T, true, { ...P, partial: true }], 'full'],
  ['quiet hours: nothing, even when a full refresh is due', [{ partialsSinceFull: 0 }, T, true, { ...P, quietHours: { from: '11:00', to: '13:00' } }], 'none'],
];
for (const [name, args, want] of rows) test(`policy: ${name}`, (t) => t.is(decideRefresh(...args), want));

test('quiet hours across midnight', (t) => {
  const q = { from: '23:00', to: '06:00' };
  t.true(inQuietHours(q, 23 * 60));
  t.true(inQuietHours(q, 2 * 60));
  t.false(inQuietHours(q, 6 * 60));
  t.false(inQuietHours(q, 22 * 60 + 59));
  t.false(inQuietHours(undefined, 0));
});
