import test from 'ava';
import fs, { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.ts';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

// A recording fs layer under the spool: for every segment file, how many bytes
// were handed to the kernel (writeSync) and how many of those an fsync has made
// durable (bytes written before the fsync call, once it completed). A power
// cut keeps exactly the durable bytes; installed before the spool module is
// loaded, so its promisified fsync is the recording one.
interface SegmentLog { written: number; durable: number; lastFsyncCallMs: number }
const segments = new Map<string, SegmentLog>();
let segmentFsyncs = 0;
const byFd = new Map<number, SegmentLog>();
const real = { openSync: fs.openSync, writeSync: fs.writeSync, fsync: fs.fsync };
const patched = fs as unknown as Record<string, unknown>;
patched.openSync = (path: fs.PathLike, ...rest: unknown[]): number => {
  const fd = (real.openSync as (...a: unknown[]) => number)(path, ...rest);
  if (String(path).endsWith('.seg')) {
    const log = { written: 0, durable: 0, lastFsyncCallMs: 0 };
    segments.set(String(path), log);
    byFd.set(fd, log);
  }
  return fd;
};
patched.writeSync = (fd: number, ...rest: unknown[]): number => {
  const n = (real.writeSync as (...a: unknown[]) => number)(fd, ...rest);
  const log = byFd.get(fd);
  if (log) log.written += n;
  return n;
};
patched.fsync = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void => {
  const log = byFd.get(fd);
  const upTo = log?.written ?? 0;
  if (log) {
    log.lastFsyncCallMs = performance.now();
    segmentFsyncs += 1;
  }
  real.fsync(fd, (err) => {
    if (!err && log) log.durable = Math.max(log.durable, upTo);
    callback(err);
  });
};
syncBuiltinESMExports();
const { Spool } = await import('../../src/spool/spool.ts');
const { encodeRecords } = await import('../../src/spool/record-codec.ts');

test.serial('power cut: the spool keeps every point fsynced before the cut, so at most the last fsync interval is lost', async (t) => {
  const FSYNC_MS = 200;
  const dir = await makeTempDir('powercut');
  t.teardown(() => dir.remove());
  const live = join(dir.path, 'live');
  const spool = new Spool({ dir: live, fsyncIntervalMs: FSYNC_MS, segmentBytes: 70_000, log: silentLogger });
  await spool.open();

  // 10 points every 5 ms for 1.5 s: several fsync ticks and segment rotations.
  const appended: { id: number; atMs: number; bytes: number }[] = [];
  const startMs = performance.now();
  for (let id = 0; performance.now() - startMs < 1500; ) {
    const lines = Array.from({ length: 10 }, (_, k) => `node,node=a2:00:00:00:00:01 awake=${id + k}i ${1_700_000_000_000_000 + id + k}`);
    spool.append(lines);
    const atMs = performance.now();
    for (const line of lines) appended.push({ id: id++, atMs, bytes: encodeRecords([line]).length });
    await sleep(5);
  }
  // The cut: what the disk holds is the durable prefix of each segment, plus a
  // torn half-record of garbage after it where more had been written.
  const cutMs = performance.now();
  const image = join(dir.path, 'after-cut');
  mkdirSync(image);
  let durableBytes = 0;
  let lastFsyncCallMs = 0;
  for (const name of readdirSync(live).filter((n) => n.endsWith('.seg')).sort()) {
    const log = segments.get(join(live, name))!;
    const data = readFileSync(join(live, name));
    const torn = log.written > log.durable ? Buffer.from([0x55, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0x6e, 0x6f]) : Buffer.alloc(0);
    writeFileSync(join(image, name), Buffer.concat([data.subarray(0, log.durable), torn]));
    durableBytes += log.durable;
    lastFsyncCallMs = Math.max(lastFsyncCallMs, log.lastFsyncCallMs);
  }
  await spool.close();

  const recovered = new Spool({ dir: image, log: silentLogger });
  const report = await recovered.open();
  const ids: number[] = [];
  for (let batch = await recovered.read(1000); batch; batch = await recovered.read(1000)) {
    for (const line of batch.lines) ids.push(Number(/awake=(\d+)i/.exec(line)![1]));
    await recovered.ack(batch);
  }
  await recovered.close();

  let expected = 0;
  for (let bytes = 0; expected < appended.length && bytes + appended[expected].bytes <= durableBytes; ) bytes += appended[expected++].bytes;
  t.deepEqual(ids, appended.slice(0, expected).map((a) => a.id), 'exactly the fsynced points, in order, none torn');
  t.true(report.truncatedBytes > 0 || expected === appended.length, 'torn tails are cut at open');
  const lost = appended.slice(expected);
  t.true(lost.every((a) => a.atMs >= lastFsyncCallMs - 1), 'only points appended after the last fsync tick are lost');
  const windowMs = lost.length > 0 ? cutMs - lost[0].atMs : 0;
  t.log(`appended ${appended.length}, recovered ${ids.length}, lost ${lost.length} from the last ${windowMs.toFixed(0)} ms (fsyncIntervalMs ${FSYNC_MS})`);
  // 1.5 s at 200 ms is 7 ticks; 3 leaves room for a loaded machine and still fails a spool that only syncs on close.
  t.true(segmentFsyncs >= 3, `the spool fsyncs on its timer while appending (${segmentFsyncs} segment fsyncs)`);
});

test.serial('spool segment truncated mid-record (power cut): recovered to the last whole record with a warning; the gateway starts', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'torn');
  const config = await rig.configure();
  await rig.vm.kill();
  const first = await rig.start(config);
  const frames = numberedBatch(3, 0, 60);
  await rig.trickle(frames.text, 6, 20);
  await waitFor(() => spooledLines(rig.spoolDir).length >= frames.keys.length * 2, 15_000, 'frames in the spool');
  t.is(await first.stop('SIGTERM'), 0);

  const segment = readdirSync(rig.spoolDir).filter((n) => n.endsWith('.seg')).sort().at(-1)!;
  const path = join(rig.spoolDir, segment);
  const size = statSync(path).size;
  truncateSync(path, size - 7); // the last record loses its last 7 bytes
  const kept = spooledLines(rig.spoolDir);
  t.is(kept.length, frames.keys.length * 2 - 1, 'one record is torn');
  const keptKeys = kept.map(keyOfLine).filter((k) => k !== undefined);

  await rig.vm.restart();
  const second = await rig.start(config);
  const warning = await second.waitForLog((l) => String(l.msg).includes('torn or corrupt tail'), 10_000, 'torn-tail warning');
  t.is(warning.level, 40, 'logged as a warning');
  t.is(warning.cutBytes, size - 7 - Number(warning.keptBytes), 'names what was cut');
  t.truthy(await second.waitForLog((l) => l.msg === 'gateway started', 10_000, 'gateway started'), 'the gateway starts');
  const stored = await rig.waitStored(keptKeys, 20_000, 'the whole records');
  t.deepEqual([...stored.keys()].sort(), [...keptKeys].sort(), 'every whole record arrives, the torn one does not');
  t.is(await second.stop('SIGTERM'), 0);
});
