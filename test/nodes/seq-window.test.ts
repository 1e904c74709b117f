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
  t.is((window as unknown as { count: number }).count, SEQ_WINDOW);
});

/** The rules as first written: a Set of the last 64 accepted seqs, oldest dropped first. */
class ReferenceWindow {
  private boot: number | undefined;
  private head = 0;
  private readonly recent = new Set<number>();

  accept(boot: number, seq: number): { kind: string; lost?: number; recovered?: boolean } {
    if (boot !== this.boot) {
      this.boot = boot;
      this.recent.clear();
      return this.take(seq, 0);
    }
    if (this.recent.has(seq)) return { kind: 'duplicate' };
    const ahead = (seq - this.head + 65536) % 65536;
    if (ahead >= 1 && ahead <= 32768) return this.take(seq, ahead - 1);
    if (65536 - ahead <= SEQ_WINDOW) {
      this.remember(seq);
      return { kind: 'new', lost: 0, recovered: true };
    }
    this.recent.clear();
    return this.take(seq, 0);
  }

  private take(seq: number, lost: number) {
    this.head = seq;
    this.remember(seq);
    return { kind: 'new', lost };
  }

  private remember(seq: number): void {
    this.recent.add(seq);
    if (this.recent.size > SEQ_WINDOW) this.recent.delete(this.recent.values().next().value!);
  }
}

test('property: the same verdicts as the reference for any run (repeats, late, gaps, restarts, new boots, past the window)', (t) => {
  /** Go `d` seqs on, `times` times over, after moving to boot + `boot`. */
  const step = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }).map((times) => ({ boot: 0, d: 1, times })) },
    { weight: 2, arbitrary: fc.constantFrom(-65, -64, -63, -62, 0, 62, 63, 64, 65).map((d) => ({ boot: 0, d, times: 1 })) },
    { weight: 3, arbitrary: fc.integer({ min: -80, max: 80 }).map((d) => ({ boot: 0, d, times: 1 })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 65535 }).map((d) => ({ boot: 0, d, times: 1 })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((boot) => ({ boot, d: 0, times: 1 })) },
  );
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(step, { maxLength: 100 }), (start, steps) => {
    const window = new SeqWindow();
    const reference = new ReferenceWindow();
    let boot = 0;
    let seq = start;
    for (const [i, { boot: bump, d, times }] of steps.entries()) {
      boot = (boot + bump) % 4;
      for (let k = 0; k < times; k++) {
        seq = (((seq + d) % 65536) + 65536) % 65536;
        t.deepEqual({ ...window.accept(boot, seq) }, reference.accept(boot, seq), `step ${i}.${k}: boot ${boot} seq ${seq}`);
      }
    }
  }), { numRuns: 300 });
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
