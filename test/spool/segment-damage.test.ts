import test from 'ava';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecords } from '../../src/spool/record-codec.ts';
import { scanSegment } from '../../src/spool/segment-scan.ts';
import { Spool } from '../../src/spool/spool.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Kitchen temperature=21.${from + i} ${1700000000000000 + from + i}`);

/** Byte offset where record `i` of `lines(0, n)` starts in a segment. */
const recordStart = (i: number): number => encodeRecords(lines(0, i)).length;

/** Overwrites bytes of a file in place, as a bad sector or a flipped bit would. */
function damage(path: string, at: number, bytes: Buffer | ((old: Buffer) => Buffer)): void {
  const old = readFileSync(path).subarray(at, at + (Buffer.isBuffer(bytes) ? bytes.length : 1));
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.isBuffer(bytes) ? bytes : bytes(old), 0, undefined, at);
  closeSync(fd);
}

async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (let batch = await spool.read(1000); batch; batch = await spool.read(1000)) {
    out.push(...batch.lines);
    await spool.ack(batch);
  }
  return out;
}

const flip = (old: Buffer): Buffer => Buffer.from([old[0] ^ 0x10]);
const cases: [string, (i: number) => number, Buffer | ((old: Buffer) => Buffer)][] = [
  ['a flipped bit in a payload', (i) => recordStart(i) + 8 + 20, flip],
  ['a flipped bit in a length field', (i) => recordStart(i) + 1, Buffer.from([0x7f])],
  ['a flipped bit in a CRC', (i) => recordStart(i) + 5, flip],
  ['a zeroed 64-byte stretch (bad sector)', (i) => recordStart(i) + 3, Buffer.alloc(64)],
];

for (const [name, where, bytes] of cases) {
  test(`damaged record at open (${name}): skipped and counted, every record after it kept, nothing truncated`, async (t) => {
    const tmp = await makeTempDir('damage');
    t.teardown(tmp.remove);
    const dir = join(tmp.path, 'spool');
    const first = new Spool({ dir, log: recordingLog().log });
    await first.open();
    first.append(lines(0, 200));
    await first.close();
    const seg = join(dir, readdirSync(dir).find((n) => n.endsWith('.seg'))!);
    const size = statSync(seg).size;
    damage(seg, where(100), bytes);

    const rec = recordingLog();
    const again = new Spool({ dir, log: rec.log });
    const report = await again.open();
    t.like(report, { truncatedBytes: 0, damagedRecords: 1 });
    t.is(statSync(seg).size, size, 'the segment is not cut');
    t.is(rec.find('damaged records', LEVEL.warn).length, 1);
    t.is(report.pendingLines, 199);
    t.deepEqual(await drain(again), [...lines(0, 100), ...lines(101, 99)], 'all but the damaged record, in order');
    t.like(again.stats(), { pendingLines: 0 });
    await again.close();
  });
}

test('damaged record found by read() while running (a bad sector after the write): skipped, counted, reading goes on', async (t) => {
  const tmp = await makeTempDir('damage');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'spool');
  const rec = recordingLog();
  // recentBytes 0: read back from the file (records just written are otherwise sent from memory, recent-records.test.ts).
  const spool = new Spool({ dir, log: rec.log, fsyncIntervalMs: 60_000, recentBytes: 0 });
  await spool.open();
  spool.append(lines(0, 300));
  const head = (await spool.read(50))!;
  await spool.ack(head);
  t.like(spool.stats(), { pendingLines: 250 });
  const seg = join(dir, readdirSync(dir).find((n) => n.endsWith('.seg'))!);
  damage(seg, recordStart(150) + 30, flip);
  damage(seg, recordStart(151) + 2, Buffer.from([0x40])); // and the next record's length
  const got = await drain(spool);
  t.deepEqual(got, [...lines(50, 100), ...lines(152, 148)]);
  t.like(spool.stats(), { pendingLines: 0, damagedLines: 2 });
  t.is(rec.find('record damaged', LEVEL.warn).length, 1);
  spool.append(lines(300, 5));
  t.deepEqual(await drain(spool), lines(300, 5), 'appending and reading go on');
  await spool.close();

  // The cursor was persisted past the damage; a restart resumes there.
  const again = new Spool({ dir, log: rec.log });
  t.like(await again.open(), { pendingLines: 0, cursorReset: false });
  await again.close();
});

test('resync: scanSegment finds the record after garbage and reports only the tail after the last valid record as cut-able', (t) => {
  const good = encodeRecords(lines(0, 3));
  const buf = Buffer.concat([good.subarray(0, recordStart(1)), Buffer.from('\x13\x00\x00\x00garbage'), good.subarray(recordStart(1)), Buffer.alloc(100)]);
  const scan = scanSegment(buf, true);
  t.deepEqual(scan.lines, lines(0, 3));
  t.deepEqual(scan.damaged, [{ at: recordStart(1), bytes: 11 }]);
  t.is(scan.validEnd, buf.length - 100);
});
