import test from 'ava';
import fc from 'fast-check';
import { SEQ_WINDOW, SeqWindow } from '../../src/nodes/seq-window.ts';

type Step = [boot: number, seq: number, expected: 'dup' | number];

const cases: Array<[name: string, steps: Step[]]> = [
  ['consecutive seqs lose nothing', [[1, 0, 0], [1, 1, 0], [1, 2, 0]]],
  ['a retransmission is a duplicate', [[1, 5, 0], [1, 5, 'dup']]],
  ['a gap of three counts three lost', [[1, 10, 0], [1, 14, 3]]],
  ['seq wraps 65535 -> 0 without loss', [[1, 65534, 0], [1, 65535, 0], [1, 0, 0], [1, 1, 0]]],
  ['a gap across the wrap is counted', [[1, 65534, 0], [1, 1, 2]]],
  ['a new boot starts afresh', [[1, 100, 0], [2, 0, 0], [2, 1, 0]]],
  ['a new boot with a high seq counts nothing lost', [[1, 100, 0], [2, 7, 0]]],
  ['the same seq in a new boot is not a duplicate', [[1, 3, 0], [2, 3, 0], [2, 3, 'dup']]],
  ['a late message within the window is accepted once', [[1, 10, 0], [1, 12, 1], [1, 11, 0], [1, 11, 'dup']]],
  ['an old duplicate within the window is dropped', [[1, 10, 0], [1, 11, 0], [1, 12, 0], [1, 10, 'dup']]],
  ['a jump back beyond the window restarts the count', [[1, 1000, 0], [1, 5, 0], [1, 6, 0], [1, 5, 'dup']]],
  ['a jump forward of half the space is still a gap', [[1, 0, 0], [1, 32768, 32767]]],
  ['a seq just beyond half the space counts as a restart', [[1, 0, 0], [1, 32769, 0], [1, 32770, 0]]],
];

for (const [name, steps] of cases) {
  test(`seq window: ${name}`, (t) => {
    const window = new SeqWindow();
    steps.forEach(([boot, seq, expected], i) => {
      const verdict = window.accept(boot, seq);
      t.deepEqual(verdict.kind === 'duplicate' ? 'dup' : verdict.lost, expected, `step ${i}: boot ${boot} seq ${seq}`);
    });
  });
}

test('seq window: memory stays bounded over a long run', (t) => {
  const window = new SeqWindow();
  for (let i = 0; i < 200_000; i += 1) window.accept(1, i % 65536);
  t.is((window as unknown as { recent: Set<number> }).recent.size, SEQ_WINDOW);
});

test('property: any message repeated right away is a duplicate', (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 65535 })), { maxLength: 50 }), (steps) => {
    const window = new SeqWindow();
    for (const [boot, seq] of steps) {
      window.accept(boot, seq);
      t.is(window.accept(boot, seq).kind, 'duplicate');
    }
  }));
});

test('property: in-order seqs with random gaps count exactly the gaps', (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 100 }), (start, gaps) => {
    const window = new SeqWindow();
    window.accept(9, start);
    let seq = start;
    let lost = 0;
    for (const gap of gaps) {
      seq = (seq + gap) % 65536;
      const v = window.accept(9, seq);
      lost += v.kind === 'new' ? v.lost : 0;
    }
    t.is(lost, gaps.reduce((sum, g) => sum + g - 1, 0));
  }));
});
