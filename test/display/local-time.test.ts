import test from 'ava';
import fc from 'fast-check';
import { localTime } from '../../src/display/local-time.ts';

// The service formats in the process's own zone without Intl; it must say what Intl says for that zone.
for (const zone of ['Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']) {
  test.serial(`local time without Intl equals Intl's for TZ=${zone}, DST changes included`, (t) => {
    process.env.TZ = zone;
    t.teardown(() => { delete process.env.TZ; });
    const own = localTime();
    const intl = localTime(zone);
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
      t.is(own.clock(ms), intl.clock(ms));
      t.is(own.day(ms), intl.day(ms));
      t.is(own.minuteOfDay(ms), intl.minuteOfDay(ms));
    }), { numRuns: 2000 });
    // Both sides of Berlin's and London's spring and autumn changes in 2026.
    for (const ms of [Date.UTC(2026, 2, 29, 0, 59), Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 9, 25, 0, 59), Date.UTC(2026, 9, 25, 1, 0)]) {
      t.is(own.clock(ms), intl.clock(ms));
    }
  });
}

test('the text itself: 24 h clock with leading zeros, day and en-GB short month, minutes since midnight', (t) => {
  const utc = localTime('UTC');
  t.is(utc.clock(Date.UTC(2026, 8, 2, 7, 5)), '07:05');
  t.is(utc.day(Date.UTC(2026, 8, 2, 7, 5)), '2 Sept');
  t.is(utc.minuteOfDay(Date.UTC(2026, 8, 2, 23, 59)), 1439);
});
