import test from 'ava';
import fc from 'fast-check';
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecords, joinPayloads, RECORD_HEADER_BYTES } from '../../src/spool/record-codec.ts';
import { RecentRecords } from '../../src/spool/recent-records.ts';
import { Spool, type SpoolBatch } from '../../src/spool/spool.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Küche temperature=21.${from + i} ${1700000000000000 + from + i}`);

/** Byte offset where record `i` of `lines(0, n)` starts in a segment. */
const recordStart = (i: number): number => encodeRecords(lines(0, i)).length;

async function openSpool(t: { teardown(fn: () => unknown): void }, recentBytes?: number, segmentBytes?: number): Promise<{ spool: Spool; dir: string }> {
  const tmp = await makeTempDir('recent');
  t.teardown(tmp.remove);
  const dir = join(tmp.path, 'spool');
  const spool = new Spool({ dir, log: recordingLog().log, fsyncIntervalMs: 60_000, recentBytes, segmentBytes });
  await spool.open();
  t.teardown(() => spool.close());
  return { spool, dir };
}

/** Overwrites byte `at` of the first segment once `spool` has written what it staged, as a bad sector would after the write. */
function flipBit(spool: Spool, dir: string, at: number): void {
  spool.stats(); // hands the staged records to the file first
  const fd = openSync(join(dir, readdirSync(dir).filter((n) => n.endsWith('.seg')).sort()[0]), 'r+');
  writeSync(fd, Buffer.from([0x5a]), 0, 1, at);
  closeSync(fd);
}

const shape = (b: SpoolBatch | undefined): unknown => b && { lines: b.lines, count: b.count, body: b.body.toString('utf8'), start: b.start, end: b.end };

test('joinPayloads: the payloads joined by \\n, as many as asked; with verify it stops at a cut-off or damaged record', (t) => {
  const buf = encodeRecords(lines(0, 5));
  t.is(joinPayloads([buf], 10, true).body.toString('utf8'), lines(0, 5).join('\n'));
  t.like(joinPayloads([buf], 3, true), { count: 3, takenBytes: recordStart(3) });
  const parts = [encodeRecords(lines(0, 2)), encodeRecords(lines(2, 3))];
  t.is(joinPayloads(parts, 4, false).body.toString('utf8'), lines(0, 4).join('\n'), 'across parts');
  t.like(joinPayloads([buf.subarray(0, recordStart(4) - 1)], 10, true), { count: 3, takenBytes: recordStart(3) });
  const bad = Buffer.from(buf);
  bad[recordStart(2) + RECORD_HEADER_BYTES + 4] ^= 1;
  t.like(joinPayloads([bad], 10, true), { count: 2, takenBytes: recordStart(2) });
  t.like(joinPayloads([bad.subarray(recordStart(2))], 10, true), { count: 0, takenBytes: 0 });
});

test('RecentRecords: contiguous copies of one segment, bounded, trimmed to the offset asked for', (t) => {
  const recent = new RecentRecords(2 * recordStart(1));
  const r = (from: number, n: number): Buffer => encodeRecords(lines(from, n));
  recent.add(3, 0, r(0, 1));
  recent.add(3, recordStart(1), r(1, 1));
  t.is(Buffer.concat(recent.from(3, 0)!).toString('latin1'), r(0, 2).toString('latin1'));
  t.is(recent.from(4, 0), undefined, 'another segment');
  recent.add(3, recordStart(2), r(2, 1));
  t.is(recent.from(3, 0), undefined, 'the oldest copy went past the bound');
  t.is(Buffer.concat(recent.from(3, recordStart(1))!).toString('latin1'), r(1, 2).toString('latin1'));
  recent.add(3, recordStart(3) + 5, r(3, 1));
  t.is(recent.from(3, recordStart(1)), undefined, 'a gap starts the copies afresh');
  const none = new RecentRecords(0);
  none.add(0, 0, r(0, 1));
  t.is(none.from(0, 0), undefined, 'recentBytes 0 keeps none');
});

test('RecentRecords: what from() hands out is always the bytes written from that offset on; the newest copy is always kept (any sizes, gaps, wraps and growths of the ring)', (t) => {
  fc.assert(fc.property(
    fc.integer({ min: 64, max: 4096 }),
    fc.integer({ min: 1, max: 4096 }),
    fc.array(fc.oneof(
      // Mostly contiguous writes of a fraction of the bound (so the ring wraps often); now and then one past it, a gap, a new segment.
      fc.record({
        op: fc.constant('add' as const), size: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 1500 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }) }),
        gap: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), newSegment: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      }),
      fc.record({ op: fc.constant('from' as const), back: fc.nat() }),
    ), { maxLength: 60 }),
    (maxBytes, firstBytes, ops) => {
      const recent = new RecentRecords(maxBytes, firstBytes); // a ring that starts small and grows, or starts at the bound
      // The bytes written to the current segment so far, from its start (what the file holds).
      let seq = 0;
      let written: number[] = [];
      let counter = 0;
      let newest: { offset: number; length: number } | undefined;
      for (const o of ops) {
        if (o.op === 'add') {
          if (o.newSegment) { seq += 1; written = []; newest = undefined; }
          if (o.gap) for (let i = 0; i < 7; i++) written.push(0xee); // a write not copied (as after a failed one)
          const bytes = Buffer.from(Array.from({ length: o.size }, () => (counter++) & 0xff));
          const offset = written.length;
          recent.add(seq, offset, bytes);
          written.push(...bytes);
          newest = o.size <= maxBytes ? { offset, length: o.size } : undefined;
          continue;
        }
        if (written.length === 0) continue;
        const offset = Math.max(0, written.length - 1 - (o.back % written.length));
        const got = recent.from(seq, offset);
        if (got) t.deepEqual([...Buffer.concat(got)], written.slice(offset), `from(${offset})`);
        if (newest && offset <= newest.offset) t.true(recent.from(seq, newest.offset) !== undefined, 'the newest copy is kept');
      }
    },
  ), {
    numRuns: 300,
    examples: [[100, 100, [
      // Copies at 0 (81 B) and 81 (19 B); the third (20 B) wraps to 0; the fourth (81 B) wraps again: the copy at 81 (the
      // oldest, but clear of the new one's bytes) must go before the one at 0 (newer, under the new bytes).
      { op: 'add', size: 81, gap: false, newSegment: false }, { op: 'add', size: 19, gap: false, newSegment: false },
      { op: 'add', size: 20, gap: false, newSegment: false }, { op: 'add', size: 81, gap: false, newSegment: false },
      { op: 'from', back: 100 },
    ]]],
  });
});

test('read() hands out the same batches whether just-written records come from memory or from the file (any appends, reads, acks, rotations)', async (t) => {
  type Op = { append: number } | { read: number; ack: boolean };
  const op = fc.oneof(
    fc.record({ append: fc.integer({ min: 1, max: 120 }) }),
    fc.record({ read: fc.integer({ min: 1, max: 200 }), ack: fc.boolean() }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 20_000 }), async (ops: Op[], recentBytes) => {
      const tmp = await makeTempDir('recent-prop');
      try {
        const make = (name: string, recent: number): Spool =>
          new Spool({ dir: join(tmp.path, name), log: recordingLog().log, fsyncIntervalMs: 60_000, segmentBytes: 70 * 1024, recentBytes: recent });
        const [memory, file] = [make('memory', recentBytes), make('file', 0)];
        await memory.open();
        await file.open();
        let next = 0;
        for (const o of ops) {
          if ('append' in o) {
            memory.append(lines(next, o.append));
            file.append(lines(next, o.append));
            next += o.append;
            continue;
          }
          const [a, b] = [await memory.read(o.read), await file.read(o.read)];
          t.deepEqual(shape(a), shape(b));
          if (o.ack && a && b) {
            await memory.ack(a);
            await file.ack(b);
          }
        }
        t.deepEqual(memory.stats().pendingLines, file.stats().pendingLines);
        await memory.close();
        await file.close();
      } finally {
        await tmp.remove();
      }
    }),
    { numRuns: 60 },
  );
});

test('a record damaged on disk right after its write is still sent whole from memory; read back from the file, damage is found, and then the file is the truth for the whole segment', async (t) => {
  const held = await openSpool(t);
  held.spool.append(lines(0, 100));
  flipBit(held.spool, held.dir, recordStart(50) + RECORD_HEADER_BYTES + 10);
  const batch = (await held.spool.read(1000))!;
  t.deepEqual(batch.lines, lines(0, 100), 'what was written, not what the sector now holds');
  t.like(held.spool.stats(), { damagedLines: 0 });

  // Written 5 records at a time with copies of at most 5 kept: records 0-94 are read back from the file, 95-99 come from memory.
  const small = await openSpool(t, 5 * recordStart(1) + 50);
  for (let i = 0; i < 100; i += 5) {
    small.spool.append(lines(i, 5));
    small.spool.stats();
  }
  flipBit(small.spool, small.dir, recordStart(50) + RECORD_HEADER_BYTES + 10);
  flipBit(small.spool, small.dir, recordStart(97) + RECORD_HEADER_BYTES + 10);
  const got: string[] = [];
  for (let b = await small.spool.read(1000); b; b = await small.spool.read(1000)) {
    got.push(...b.lines);
    await small.spool.ack(b);
  }
  // Once a read finds damage in a segment, its file is the truth: the copies are dropped and every damaged record in it is skipped and counted.
  t.deepEqual(got, [...lines(0, 50), ...lines(51, 46), ...lines(98, 2)]);
  t.like(small.spool.stats(), { damagedLines: 2, pendingLines: 0 });
});
