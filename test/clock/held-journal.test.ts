import test from 'ava';
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeldJournal } from '../../src/clock/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';

const BOOT_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const BOOT_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const REAL = Date.UTC(2026, 2, 14, 12, 0, 0);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function journalDir(t: import('ava').ExecutionContext) {
  const dir = await makeTempDir('held');
  t.teardown(() => dir.remove());
  return join(dir.path, 'held');
}

function journal(dir: string, bootId: string, extra: { maxBytes?: number } = {}) {
  const log = recordingLog();
  const j = new HeldJournal({ dir, bootId, log: log.log, ...extra });
  j.open();
  return { j, log };
}

test('held readings are on disk at the end of the event-loop turn, and a restart in the same boot keeps their monotonic times', async (t) => {
  const dir = await journalDir(t);
  const first = journal(dir, BOOT_A).j;
  first.append(1_000, 'one');
  first.append(61_000.5, 'two');
  await turn();
  t.is(readdirSync(dir).length, 1);
  t.true(readFileSync(join(dir, readdirSync(dir)[0])).includes('r 61000500 two'));
  // SIGKILL: no close(). The next process of the same boot finds them.
  const second = journal(dir, BOOT_A).j;
  t.is(second.held, 2);
  second.append(90_000, 'three');
  const out = second.drain(REAL - 100_000);
  t.deepEqual(out.map((r) => [r.payload, r.wallMs, r.estimated]), [
    ['one', REAL - 99_000, false], ['two', REAL - 38_999.5, false], ['three', REAL - 10_000, false],
  ]);
  t.is(second.held, 0);
  t.not(readdirSync(dir).length, 0, 'files stay until the sink has the readings');
  second.removeReleased();
  t.deepEqual(readdirSync(dir), []);
  first.close();
  second.close();
});

test('readings of an earlier boot that never synced are placed just before this boot began, spacing kept, and flagged', async (t) => {
  const dir = await journalDir(t);
  const old = journal(dir, BOOT_A).j;
  old.append(20_000, 'old-1');
  old.append(50_000, 'old-2');
  old.close();
  const now = journal(dir, BOOT_B).j;
  t.is(now.earlierBootReadings, 2);
  now.append(5_000, 'new');
  const bootWall = REAL; // this boot's CLOCK_MONOTONIC 0 was REAL
  const out = now.drain(bootWall);
  t.deepEqual(out.map((r) => [r.payload, r.wallMs, r.estimated]), [
    ['old-1', REAL - 1 - 30_000, true], ['old-2', REAL - 1, true], ['new', REAL + 5_000, false],
  ]);
  now.close();
});

test('a crash after the sync marker but before the files were deleted replays the same timestamps, even after a reboot', async (t) => {
  const dir = await journalDir(t);
  const a = journal(dir, BOOT_A).j;
  a.append(1_000, 'x');
  const first = a.drain(REAL);
  // crash: removeReleased never ran; the Pi reboots (another boot id)
  const b = journal(dir, BOOT_B).j;
  t.is(b.held, 1);
  const again = b.drain(REAL + 3_600_000);
  t.deepEqual(again.map((r) => [r.payload, r.wallMs, r.estimated]), first.map((r) => [r.payload, r.wallMs, false]));
  a.close();
  b.close();
});

test('a torn tail (power cut mid-write) is cut at open; the whole records before it are kept', async (t) => {
  const dir = await journalDir(t);
  const a = journal(dir, BOOT_A).j;
  a.append(1_000, 'kept');
  a.append(2_000, 'torn');
  a.close();
  const file = join(dir, readdirSync(dir)[0]);
  truncateSync(file, readFileSync(file).length - 3);
  const { j, log } = journal(dir, BOOT_A);
  t.is(j.held, 1);
  t.is(log.find('torn or corrupt tail', LEVEL.warn).length, 1);
  t.deepEqual(j.drain(REAL).map((r) => r.payload), ['kept']);
  j.close();
});

test('the journal is bounded on disk: past maxBytes the oldest quarter goes, counted and logged', async (t) => {
  const dir = await journalDir(t);
  const { j, log } = journal(dir, BOOT_A, { maxBytes: 4096 });
  const payload = 'p'.repeat(100);
  for (let i = 0; i < 100; i += 1) {
    j.append(i, `${i} ${payload}`);
    await turn();
  }
  const bytes = readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
  t.true(bytes <= 4096, `${bytes} bytes on disk`);
  t.true(j.dropped > 0);
  t.is(j.held + j.dropped, 100);
  t.true(log.find('journal full', LEVEL.warn).length > 0);
  const out = j.drain(REAL);
  t.is(out.at(-1)?.payload, `99 ${payload}`, 'the newest are kept');
  j.close();
});

test('a journal that cannot be written keeps the readings in memory, says so once, and writes them when it can', async (t) => {
  const dir = await journalDir(t);
  const { j, log } = journal(dir, BOOT_A);
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'not a directory');
  j.append(1_000, 'a');
  await turn();
  j.append(2_000, 'b');
  await turn();
  t.is(j.held, 2);
  t.is(log.find('cannot write held readings', LEVEL.error).length, 1);
  rmSync(dir);
  j.append(3_000, 'c');
  await turn();
  t.is(readdirSync(dir).length, 1, 'written once the directory can be made again');
  t.deepEqual(j.drain(REAL).map((r) => r.payload), ['a', 'b', 'c']);
  j.close();
});
