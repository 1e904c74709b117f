import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError } from '../../src/gateway/data-dir-lock.ts';
import { inspectDataDirLock, LOCK_FILE } from '../../src/gateway/lock-state.ts';
import { startTimeOfStat, systemProcessProbe, type ProcessProbe } from '../../src/gateway/process-identity.ts';
import { REPO } from '../helpers/gateway-process.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const { log } = recordingLog();

/** A PID that certainly names no process now: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function dataDir(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await makeTempDir('lock');
  t.teardown(dir.remove);
  return join(dir.path, 'data');
}

test('field 22 of /proc/<pid>/stat is read after the last ")", whatever the process name holds', (t) => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  t.is(startTimeOfStat(`42 (a) b (c d) ${fields.join(' ')}`), '22');
  t.is(startTimeOfStat(`42 (node) ${fields.slice(0, 10).join(' ')}`), undefined);
  t.regex(systemProcessProbe.startTime(process.pid) ?? '', /^\d+$/);
});

test('second gateway on one dataDir: the lock is refused naming the dataDir and the PID; released, it can be taken again', async (t) => {
  const dir = await dataDir(t);
  const lock = await acquireDataDirLock(dir, { log });
  const held = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
  t.like(held, { pid: process.pid, startTime: systemProcessProbe.startTime(process.pid), bootId: systemProcessProbe.bootId() });
  const error = await t.throwsAsync(acquireDataDirLock(dir, { log }), { instanceOf: DataDirLockedError });
  t.is(error!.code, 'DATA_DIR_LOCKED');
  t.true(error!.message.startsWith(`${dir} is in use by another gateway (PID ${process.pid}, running since `), error!.message);
  t.is(inspectDataDirLock(dir).state, 'held');
  lock.release();
  t.false(existsSync(join(dir, LOCK_FILE)));
  t.is(inspectDataDirLock(dir).state, 'free');
  (await acquireDataDirLock(dir, { log })).release();
});

test('a lock whose PID is gone (SIGKILL, power cut) is stale and taken over with a log line', async (t) => {
  const dir = await dataDir(t);
  const pid = await deadPid();
  await acquireDataDirLock(dir, { log }).then((l) => l.release());
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, startTime: '1', since: 'then' }));
  t.like(inspectDataDirLock(dir), { state: 'stale', reason: `PID ${pid} is gone` });
  const recording = recordingLog();
  const lock = await acquireDataDirLock(dir, { log: recording.log });
  t.teardown(lock.release);
  t.like(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')), { pid: process.pid });
  t.true(recording.entries.some((e) => e.msg === `took over the stale lock on ${dir}: PID ${pid} is gone` && e.stalePid === pid));
});

test('a lock whose PID now names another process (different start time), or from an earlier boot, is stale', async (t) => {
  const dir = await dataDir(t);
  await acquireDataDirLock(dir, { log }).then((l) => l.release());
  // PID 1 is alive, but it is not the process that wrote this lock.
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, startTime: '999999999' }));
  t.like(inspectDataDirLock(dir), { state: 'stale' });
  t.regex((inspectDataDirLock(dir) as { reason: string }).reason, /PID 1 is now another process/);
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, startTime: systemProcessProbe.startTime(process.pid), bootId: 'an-earlier-boot' }));
  t.like(inspectDataDirLock(dir), { state: 'stale', reason: `PID ${process.pid} ran before the last boot` });
  const fakeAlive: ProcessProbe = { ...systemProcessProbe, alive: () => true, startTime: () => undefined, bootId: () => undefined };
  t.like(inspectDataDirLock(dir, fakeAlive), { state: 'held' }, 'without /proc only the PID can be judged');
  (await acquireDataDirLock(dir, { log })).release();
});

test('an empty lock file (power cut while it was written) is stale once old, "starting" while young', async (t) => {
  const dir = await dataDir(t);
  await acquireDataDirLock(dir, { log }).then((l) => l.release());
  await writeFile(join(dir, LOCK_FILE), '');
  t.like(inspectDataDirLock(dir), { state: 'starting' });
  const old = new Date(Date.now() - 60_000);
  await utimes(join(dir, LOCK_FILE), old, old);
  t.like(inspectDataDirLock(dir), { state: 'stale' });
  (await acquireDataDirLock(dir, { log })).release();
});

test('release leaves a lock that is no longer this process\'s alone', async (t) => {
  const dir = await dataDir(t);
  const lock = await acquireDataDirLock(dir, { log });
  const other = JSON.stringify({ pid: 1 });
  await writeFile(join(dir, LOCK_FILE), other);
  lock.release();
  t.is(await readFile(join(dir, LOCK_FILE), 'utf8'), other);
});

test('processes racing for a stale lock: exactly one wins, every other is refused', async (t) => {
  t.timeout(90_000);
  const dir = await dataDir(t);
  await acquireDataDirLock(dir, { log }).then((l) => l.release());
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid() }));
  const contenders = Array.from({ length: 4 }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'gateway', 'lock-contender.ts'), dir], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
    t.teardown(() => { child.kill('SIGKILL'); });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    return { child, exited, lines: () => out.split('\n').filter(Boolean) };
  });
  await waitFor(() => contenders.every((c) => c.lines()[0] === 'ready'), 60_000, 'every contender ready');
  for (const c of contenders) c.child.stdin.write('go\n');
  await waitFor(() => contenders.every((c) => c.lines().length === 2), 20_000, 'every contender done');
  const results = contenders.map((c) => c.lines()[1]).sort();
  t.deepEqual(results, ['lost DATA_DIR_LOCKED', 'lost DATA_DIR_LOCKED', 'lost DATA_DIR_LOCKED', 'won']);
  for (const c of contenders) c.child.stdin.end();
  await Promise.all(contenders.map((c) => c.exited));
  t.false(existsSync(join(dir, LOCK_FILE)), 'the winner released it');
});
