import test from 'ava';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ClockGuard, HeldJournal, type WallClock } from '../../src/clock/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { recordingLog, LEVEL } from '../helpers/recording-log.ts';

/** A clock the test moves by hand: wall and monotonic advance together unless `setWall` steps the wall. */
function fakeClock(wallMs: number, synced = false) {
  let mono = 1_000;
  let offset = wallMs - mono;
  let isSynced = synced;
  const clock: WallClock = { now: () => mono + offset, monotonic: () => mono, isSynced: () => isSynced };
  return {
    clock,
    advance: (ms: number) => { mono += ms; },
    setWall: (ms: number) => { offset = ms - mono; },
    sync: (ms?: number) => { if (ms !== undefined) offset = ms - mono; isSynced = true; },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const BOOT_1970 = Date.UTC(1970, 0, 1, 0, 0, 5);
const REAL = Date.UTC(2026, 2, 14, 12, 0, 0);

function guard(clock: WallClock, options: { requireSync?: boolean; maxHeld?: number } = {}) {
  const out: { item: string; wallMs: number }[] = [];
  const log = recordingLog();
  const g = new ClockGuard<string>({ clock, release: (item, wallMs) => out.push({ item, wallMs }), log: log.log, ...options });
  return { g, out, log };
}

test('a synced clock stamps readings with the wall time straight away', (t) => {
  const c = fakeClock(REAL, true);
  const { g, out } = guard(c.clock);
  g.submit('a');
  c.advance(250);
  g.submit('b');
  t.deepEqual(out, [{ item: 'a', wallMs: REAL }, { item: 'b', wallMs: REAL + 250 }]);
  t.true(g.status.trusted);
});

test('readings taken before NTP sync are held, then rebased to the synced time in order', (t) => {
  const c = fakeClock(BOOT_1970, false);
  const { g, out, log } = guard(c.clock);
  g.submit('first');
  c.advance(60_000);
  g.submit('second');
  c.advance(30_000);
  t.deepEqual(out, [], 'nothing stored with a 1970 time');
  t.is(g.status.held, 2);
  t.is(g.wallMs(), undefined);

  c.sync(REAL); // NTP steps the clock: now (mono 91000) is REAL
  g.check();
  t.deepEqual(out, [
    { item: 'first', wallMs: REAL - 90_000 },
    { item: 'second', wallMs: REAL - 30_000 },
  ]);
  t.is(g.status.held, 0);
  t.is(g.status.jumps, 1);
  t.is(log.find('clock trusted').length, 1);
});

test('a reading submitted right after sync goes out after the held ones', (t) => {
  const c = fakeClock(BOOT_1970, false);
  const { g, out } = guard(c.clock);
  g.submit('held');
  c.advance(1000);
  c.sync(REAL);
  g.submit('fresh'); // no check() in between: submit itself notices the sync
  t.deepEqual(out.map((o) => o.item), ['held', 'fresh']);
  t.deepEqual(out.map((o) => o.wallMs), [REAL - 1000, REAL]);
});

test('a wrong but plausible clock is still held until the sync flag says synced', (t) => {
  const c = fakeClock(REAL - 3 * 3600_000, false); // timesyncd restored last shutdown's time, 3 h stale
  const { g, out } = guard(c.clock);
  g.submit('x');
  c.advance(5000);
  g.check();
  t.deepEqual(out, []);
  c.sync(REAL);
  g.check();
  t.deepEqual(out, [{ item: 'x', wallMs: REAL - 5000 }]);
});

test('requireSync false trusts a plausible wall clock without the sync flag', (t) => {
  const c = fakeClock(REAL, false);
  const { g, out } = guard(c.clock, { requireSync: false });
  g.submit('x');
  t.deepEqual(out, [{ item: 'x', wallMs: REAL }]);
});

test('requireSync false still refuses a clock reading before 2025 (no RTC, no NTP)', (t) => {
  const c = fakeClock(BOOT_1970, false);
  const { g, out } = guard(c.clock, { requireSync: false });
  g.submit('x');
  t.deepEqual(out, []);
  c.setWall(REAL);
  g.check();
  t.deepEqual(out, [{ item: 'x', wallMs: REAL }]);
});

test('a clock jump while running is detected, logged and followed', (t) => {
  const c = fakeClock(REAL, true);
  const { g, out, log } = guard(c.clock);
  g.submit('before');
  c.advance(1000);
  c.setWall(REAL + 1000 + 3600_000); // someone set the clock an hour ahead
  g.submit('after');
  t.is(g.status.jumps, 1);
  t.is(g.status.lastJumpMs, 3600_000);
  t.is(log.find('wall clock jumped', LEVEL.warn).length, 1);
  t.deepEqual(out.map((o) => o.wallMs), [REAL, REAL + 1000 + 3600_000]);
});

test('small drift below the jump tolerance is not a jump', (t) => {
  const c = fakeClock(REAL, true);
  const { g } = guard(c.clock);
  g.check();
  c.advance(10_000);
  c.setWall(REAL + 10_000 + 500); // NTP slews half a second
  g.check();
  t.is(g.status.jumps, 0);
});

test('a clock that goes back before 2025 while running holds readings again', (t) => {
  const c = fakeClock(REAL, true);
  const { g, out } = guard(c.clock);
  c.setWall(BOOT_1970);
  g.submit('x');
  t.deepEqual(out, []);
  t.false(g.status.trusted);
});

test('past maxHeld the oldest held readings are dropped and counted', (t) => {
  const c = fakeClock(BOOT_1970, false);
  const { g, out, log } = guard(c.clock, { maxHeld: 3 });
  for (const item of ['a', 'b', 'c', 'd', 'e']) {
    g.submit(item);
    c.advance(10);
  }
  t.is(g.status.dropped, 2);
  t.is(g.status.held, 3);
  t.is(log.find('oldest held readings dropped', LEVEL.warn).length, 1);
  c.sync(REAL);
  g.check();
  t.deepEqual(out.map((o) => o.item), ['c', 'd', 'e']);
});

test('wallMs converts a monotonic time once trusted', (t) => {
  const c = fakeClock(REAL, true);
  const { g } = guard(c.clock);
  t.is(g.wallMs(1_000 - 500), REAL - 500);
});

// --- held on disk (journal) ---

/** A fake clock with a sync state: `waiting` until synced, or `no-source`. */
function stateClock(wallMs: number, state: 'waiting' | 'no-source' = 'waiting') {
  const c = fakeClock(wallMs, false);
  let synced = false;
  const clock: WallClock = {
    ...c.clock,
    isSynced: () => synced,
    syncState: () => (synced ? 'synced' : state),
    syncSource: 'the flag file /run/systemd/timesync/synchronized',
  };
  return { ...c, clock, sync: (ms: number) => { c.setWall(ms); synced = true; } };
}

async function journalGuard(t: import('ava').ExecutionContext, clock: WallClock, bootId = 'boot-1', dirPath?: string) {
  const dir = dirPath ?? join((await makeTempDir('guard')).path, 'held');
  t.teardown(() => rm(dirname(dir), { recursive: true, force: true }));
  const out: { item: string; wallMs: number }[] = [];
  const log = recordingLog();
  const store = new HeldJournal({ dir, bootId, log: log.log });
  const g = new ClockGuard<string>({
    clock, log: log.log, release: (item, wallMs) => out.push({ item, wallMs }),
    journal: { store, encode: (s) => s, decode: (s) => s }, releaseGraceMs: 0,
  });
  return { g, out, log, dir, store };
}

test('a Pi that boots without network: readings are held on disk, then stored with the time they arrived once NTP syncs', async (t) => {
  const c = stateClock(BOOT_1970);
  const { g, out, dir, log } = await journalGuard(t, c.clock);
  g.start();
  g.submit('first');
  c.advance(60_000);
  g.submit('second');
  await turn();
  t.is(readdirSync(dir).length, 1, 'on disk, not only in memory');
  t.is(g.status.held, 2);
  t.deepEqual(out, []);
  c.advance(30_000);
  c.sync(REAL);
  g.check();
  await turn(); // handed on in chunks, one per event-loop turn
  t.deepEqual(out, [{ item: 'first', wallMs: REAL - 90_000 }, { item: 'second', wallMs: REAL - 30_000 }]);
  t.is(g.status.held, 0);
  t.is(log.find('held readings stored').length, 1);
  g.submit('third');
  t.deepEqual(out.at(-1), { item: 'third', wallMs: REAL });
  await new Promise((resolve) => setTimeout(resolve, 5)); // releaseGraceMs 0: the files go on the next timer
  t.deepEqual(readdirSync(dir), []);
  g.stop();
});

test('the log says at start, and every 5 minutes, how many readings are held, since when and what the gateway waits for', async (t) => {
  const c = stateClock(BOOT_1970);
  const { g, log } = await journalGuard(t, c.clock);
  g.start();
  const reminders = () => log.find('clock not synced', LEVEL.warn);
  t.is(reminders().length, 1, 'said at start');
  t.regex(String(reminders()[0].waitingFor), /timesync\/synchronized/);
  for (let i = 0; i < 7; i += 1) {
    g.submit(`r${i}`);
    c.advance(60_000);
    g.check();
  }
  t.is(reminders().length, 2, 'once more after 5 minutes, not on every check');
  t.is(reminders()[1].held, 5);
  t.is(reminders()[1].heldForS, 300);
  g.stop();
});

test('SIGTERM while the clock is not synced: the held readings stay on disk, the stop log names them, and the next start stores them', async (t) => {
  const c = stateClock(BOOT_1970);
  const first = await journalGuard(t, c.clock);
  first.g.start();
  for (let i = 0; i < 3; i += 1) first.g.submit(`r${i}`);
  first.g.stop();
  const stopped = first.log.find('stopping with', LEVEL.warn);
  t.is(stopped.length, 1);
  t.is(stopped[0].held, 3);
  t.regex(stopped[0].msg, /stored once the clock syncs/);
  const second = await journalGuard(t, c.clock, 'boot-1', first.dir);
  second.g.start();
  t.is(second.log.find('found on disk').length, 1);
  c.advance(1000);
  c.sync(REAL);
  second.g.check();
  await turn();
  t.deepEqual(second.out.map((o) => o.item), ['r0', 'r1', 'r2']);
  t.deepEqual(second.out.map((o) => o.wallMs), [REAL - 1000, REAL - 1000, REAL - 1000]);
  second.g.stop();
});

test('no sync source on the machine: says so once and trusts a plausible clock', async (t) => {
  const c = stateClock(REAL, 'no-source');
  const { g, out, log } = await journalGuard(t, c.clock);
  g.start();
  g.submit('a');
  g.submit('b');
  t.deepEqual(out.map((o) => o.item), ['a', 'b']);
  t.is(log.find('no clock sync source', LEVEL.warn).length, 1);
  t.is(log.find('clock not synced', LEVEL.warn).length, 0);
  t.is(g.status.sync, 'no-source');
  g.stop();
});

test('no sync source and a clock before 2025: held until the clock is set', async (t) => {
  const c = stateClock(BOOT_1970, 'no-source');
  const { g, out } = await journalGuard(t, c.clock);
  g.start();
  g.submit('a');
  t.deepEqual(out, []);
  c.setWall(REAL);
  g.check();
  await turn();
  t.deepEqual(out, [{ item: 'a', wallMs: REAL }]);
  g.stop();
});

test('5,000 held readings are handed on 1000 per event-loop turn, in order, with readings arriving meanwhile behind them', async (t) => {
  const c = stateClock(BOOT_1970);
  const { g, out } = await journalGuard(t, c.clock);
  g.start();
  for (let i = 0; i < 5_000; i += 1) {
    g.submit(`h${i}`);
    c.advance(1);
  }
  c.sync(REAL);
  g.check();
  await turn();
  t.is(out.length, 1000, 'one chunk per turn');
  g.submit('fresh');
  t.is(out.length, 1000, 'held behind the release under way');
  g.stop(); // SIGTERM mid-release: the rest is handed on before the sink closes
  t.is(out.length, 5_001);
  t.deepEqual(out.slice(-2).map((o) => o.item), ['h4999', 'fresh']);
  t.true(out.every((o, i) => i === 0 || o.wallMs >= out[i - 1].wallMs), 'times in order');
  t.is(g.status.held, 0);
});
