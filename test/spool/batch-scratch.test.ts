import test from 'ava';
import { join } from 'node:path';
import { BatchScratch } from '../../src/spool/batch-scratch.ts';
import { Spool } from '../../src/spool/spool.ts';
import { silentLogger } from '../../src/log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `environment,node=a2:b2:c2:d2:e2:f2,room=Küche temperature=21.${from + i} ${1700000000000000 + from + i}`);

/** A spool with `n` lines appended; `recentBytes: 0` makes every read come from the file. */
async function spoolWith(t: { teardown(fn: () => unknown): void }, n: number, recentBytes?: number): Promise<Spool> {
  const tmp = await makeTempDir('scratch');
  t.teardown(tmp.remove);
  const spool = new Spool({ dir: join(tmp.path, 'spool'), log: silentLogger, fsyncIntervalMs: 60_000, ...(recentBytes === undefined ? {} : { recentBytes }) });
  await spool.open();
  t.teardown(() => spool.close());
  spool.append(lines(0, n));
  return spool;
}

for (const [from, recentBytes] of [['memory', undefined], ['the file', 0]] as const) {
  test(`batch scratch: batches read into it (from ${from}) are the batches read without it, and reuse its memory`, async (t) => {
    const spool = await spoolWith(t, 3000, recentBytes);
    const scratch = new BatchScratch();
    const seen: string[] = [];
    const bodies = new Set<ArrayBufferLike>();
    for (let batch = await spool.read(1000, scratch); batch; batch = await spool.read(1000, scratch)) {
      const plain = await spool.read(1000);
      t.deepEqual(batch.lines, plain!.lines);
      t.is(batch.body.toString('utf8'), plain!.body.toString('utf8'));
      bodies.add(batch.body.buffer);
      seen.push(...batch.lines);
      await spool.ack(batch);
    }
    t.deepEqual(seen, lines(0, 3000));
    t.is(bodies.size, 1, 'every body (~90 kB each) in the same memory');
  });
}

test('batch scratch: a batch used after the next read into the same scratch throws SPOOL_BATCH_REUSED instead of handing out the new bytes', async (t) => {
  const spool = await spoolWith(t, 10);
  const scratch = new BatchScratch();
  const first = await spool.read(5, scratch);
  t.is(first!.count, 5);
  const second = await spool.read(5, scratch);
  t.is(second!.lines[0], lines(0, 1)[0], 'not acknowledged: read again');
  t.throws(() => first!.body, { code: 'SPOOL_BATCH_REUSED' } as never);
  t.throws(() => first!.lines, { code: 'SPOOL_BATCH_REUSED' } as never);
  await spool.ack(second!);
  scratch.release();
  t.throws(() => second!.body, { code: 'SPOOL_BATCH_REUSED' } as never, 'released: stale too');
});
