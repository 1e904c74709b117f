import test from 'ava';
import { RateLimitedLog, type Timer } from '../../src/gateway/rate-limited-log.ts';
import { recordingLog, type LogEntry } from '../helpers/recording-log.ts';

/** An injected monotonic clock and timer: `advance` moves time and fires what is due. */
function fakeClock() {
  let now = 1_000;
  let pending: { at: number; fn: () => void; cancelled: boolean } | undefined;
  const timers: number[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number): Timer => {
      const timer = { at: now + ms, fn, cancelled: false };
      pending = timer;
      timers.push(ms);
      return { cancel: () => { timer.cancelled = true; } };
    },
    advance(ms: number) {
      now += ms;
      if (pending && !pending.cancelled && pending.at <= now) {
        const { fn } = pending;
        pending = undefined;
        fn();
      }
    },
    setNow(ms: number) { now = ms; },
    timers,
  };
}

type Step = [at: 'add' | 'advance' | 'flush', arg: string | number];

/** What is logged, as `<code>` for a line and `+<n> <code>=<count>,...` for a summary. */
const shape = (entries: LogEntry[]): string[] =>
  entries.map((e) => (e.suppressed === undefined ? String(e.code) : `+${e.suppressed} ${Object.entries(e.byCode as Record<string, number>).map(([c, n]) => `${c}=${n}`).join(',')}`));

const cases: Array<[name: string, steps: Step[], expected: string[]]> = [
  ['under the limit every line is logged', [['add', 'A'], ['add', 'B']], ['A', 'B']],
  ['past the limit lines are counted, not logged, until the window ends',
    [['add', 'A'], ['add', 'A'], ['add', 'A'], ['add', 'B'], ['add', 'A'], ['advance', 59_999]], ['A', 'A']],
  ['at the end of the window one summary with the counts by code',
    [['add', 'A'], ['add', 'A'], ['add', 'A'], ['add', 'B'], ['add', 'A'], ['advance', 60_000]], ['A', 'A', '+3 A=2,B=1']],
  ['the summary comes from the timer even when the flood stops', [['add', 'A'], ['add', 'A'], ['add', 'B'], ['advance', 60_000]], ['A', 'A', '+1 B=1']],
  ['a new window logs lines again', [['add', 'A'], ['add', 'A'], ['add', 'A'], ['advance', 60_000], ['add', 'C'], ['add', 'C'], ['add', 'C']], ['A', 'A', '+1 A=1', 'C', 'C']],
  ['a line after the window ends, before the timer ran, closes the window first',
    [['add', 'A'], ['add', 'A'], ['add', 'A'], ['flush', 'late'], ['add', 'B']], ['A', 'A', '+1 A=1', 'B']],
  ['nothing left out: no summary', [['add', 'A'], ['advance', 120_000], ['flush', 'stop']], ['A']],
  ['flush at stop writes the summary of the open window', [['add', 'A'], ['add', 'A'], ['add', 'A'], ['add', 'A'], ['flush', 'stop']], ['A', 'A', '+2 A=2']],
];

for (const [name, steps, expected] of cases) {
  test(`rate-limited log: ${name}`, (t) => {
    const { log, entries } = recordingLog('info');
    const clock = fakeClock();
    const limited = new RateLimitedLog(log, { level: 'warn', what: 'bad broker frames' }, { perWindow: 2, windowMs: 60_000, now: clock.now, setTimer: clock.setTimer });
    for (const [kind, arg] of steps) {
      if (kind === 'add') limited.add(String(arg), { line: 'x' }, `bad ${arg}`);
      else if (kind === 'advance') clock.advance(Number(arg));
      else if (arg === 'late') clock.setNow(clock.now() + 60_000); // the timer has not fired yet
      else limited.flush();
    }
    t.deepEqual(shape(entries), expected);
    t.true(entries.every((e) => e.level === 40), 'lines and summary at the kind level');
  });
}

test('rate-limited log: the summary line says how many and the limit', (t) => {
  const { log, entries } = recordingLog('info');
  const clock = fakeClock();
  const limited = new RateLimitedLog(log, { level: 'info', what: 'broker console lines' }, { now: clock.now, setTimer: clock.setTimer });
  for (let i = 0; i < 25; i++) t.is(limited.add('NOT_A_FRAME', { text: `line ${i}` }, 'broker console'), i < 20);
  clock.advance(60_000);
  t.is(entries.length, 21);
  t.like(entries[20], { level: 30, msg: '5 more broker console lines not logged (at most 20 lines per 60 s)', suppressed: 5, byCode: { NOT_A_FRAME: 5 } });
  t.like(entries[0], { code: 'NOT_A_FRAME', text: 'line 0', msg: 'broker console' });
  t.is(limited.suppressedTotal, 5);
  t.deepEqual(clock.timers, [60_000], 'one timer per window, for the rest of the window');
});

test('rate-limited log: a monotonic clock that went backwards (or a wall-clock step) opens a new window', (t) => {
  const { log, entries } = recordingLog('info');
  const clock = fakeClock();
  const limited = new RateLimitedLog(log, { level: 'warn', what: 'x' }, { perWindow: 1, now: clock.now, setTimer: clock.setTimer });
  limited.add('A', {}, 'a');
  limited.add('A', {}, 'a');
  clock.setNow(0);
  limited.add('B', {}, 'b');
  t.deepEqual(shape(entries), ['A', '+1 A=1', 'B']);
});

test('rate-limited log: a flood of 100,000 lines in one minute writes 21 lines', (t) => {
  const { log, entries } = recordingLog('info');
  const clock = fakeClock();
  const limited = new RateLimitedLog(log, { level: 'warn', what: 'bad radio messages' }, { now: clock.now, setTimer: clock.setTimer });
  for (let i = 0; i < 100_000; i++) {
    limited.add(i % 3 === 0 ? 'BAD_VERSION' : 'SHORT_HEADER', { node: 'fe0000000000' }, 'bad radio message');
    if (i % 2000 === 0) clock.advance(1);
  }
  clock.advance(60_000);
  t.is(entries.length, 21);
  t.like(entries[20], { suppressed: 99_980 });
  const byCode = entries[20].byCode as Record<string, number>;
  t.is(byCode.BAD_VERSION + byCode.SHORT_HEADER, 99_980);
});
