import test from 'ava';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RejectedStore, RejectedUnwritableError } from '../../src/spool/rejected-store.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `m,t=${tag} v=${i}i 1`);

test('rejected/ keeps at most maxFiles files: the oldest are deleted, counted and logged', async (t) => {
  const tmp = await makeTempDir('rejected');
  t.teardown(() => tmp.remove());
  const dir = join(tmp.path, 'rejected');
  mkdirSync(dir);
  writeFileSync(join(dir, '2024-12-31T00-00-00-000Z.lp'), '# from an earlier run\nm v=1i 1\n');
  let now = T0;
  const rec = recordingLog();
  const store = new RejectedStore({ dir, log: rec.log, maxFiles: 3, now: () => (now += 1000) });
  for (const tag of ['a', 'b', 'c', 'd']) await store.put(lines(2, tag), `bad ${tag}`);
  const files = readdirSync(dir).sort();
  t.deepEqual(files, ['2025-01-02T03-04-07-006Z.lp', '2025-01-02T03-04-08-006Z.lp', '2025-01-02T03-04-09-006Z.lp']);
  t.true(readFileSync(join(dir, files[2]), 'utf8').endsWith(`${lines(2, 'd').join('\n')}\n`));
  t.like(store.stats(), { rejectedLines: 8, rejectedFiles: 4, deletedFiles: 2, failures: 0, files: 3 });
  t.is(rec.find('rejected/ full: oldest files deleted', LEVEL.warn).length, 1, 'logged once, not per file');
});

test('rejected/ keeps at most maxBytes: the oldest go first, the newest file always stays', async (t) => {
  const tmp = await makeTempDir('rejected');
  t.teardown(() => tmp.remove());
  const dir = join(tmp.path, 'rejected');
  let now = T0;
  const store = new RejectedStore({ dir, log: recordingLog().log, maxBytes: 5000, now: () => (now += 1000) });
  for (const tag of ['a', 'b', 'c']) await store.put(lines(100, tag), 'bad'); // ~1.6 KB each
  t.is(readdirSync(dir).length, 3);
  await store.put(lines(400, 'big'), 'bad'); // ~6.4 KB alone
  t.deepEqual(readdirSync(dir), ['2025-01-02T03-04-09-006Z.lp']);
  const s = store.stats();
  t.like(s, { rejectedFiles: 4, deletedFiles: 3, files: 1 });
  t.true(s.bytes > 5000);
});

test('rejected/ not writable (a regular file in its place): a counted, retryable error, nothing written', async (t) => {
  const tmp = await makeTempDir('rejected');
  t.teardown(() => tmp.remove());
  const dir = join(tmp.path, 'rejected');
  writeFileSync(dir, 'in the way\n');
  const store = new RejectedStore({ dir, log: recordingLog().log });
  const err = await t.throwsAsync(store.put(lines(3, 'a'), 'bad'), { instanceOf: RejectedUnwritableError });
  t.is(err?.code, 'REJECTED_UNWRITABLE');
  t.true(err?.retryable);
  t.regex(err?.message ?? '', /rejected: cannot set aside rejected lines \(ENOTDIR\)/);
  t.like(store.stats(), { failures: 1, rejectedFiles: 0, rejectedLines: 0 });
});
