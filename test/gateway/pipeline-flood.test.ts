import test from 'ava';
import { Pipeline } from '../../src/gateway/pipeline.ts';
import type { Timer } from '../../src/gateway/rate-limited-log.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { encodeBrokerEvent, encodeLine, encodeMessage, KIND, record } from '../../src/protocol/index.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';

const KITCHEN = 'a2b2c2d2e2f2';
const rx = (mac: string, seq: number) =>
  encodeBrokerEvent({ type: 'rx', mac, rssi: -70, payload: Buffer.from(encodeMessage({ kind: KIND.REPORT, boot: 1, seq, records: [record('awake', seq)] })) });
/** A bad frame per code this flood uses: a known tag that does not parse, an unknown tag. */
const BAD_FRAMES = { BAD_FIELD_COUNT: encodeLine('RX', ['nothex']), BAD_FIELD_FORMAT: encodeLine('RX', ['nothex', '-70', '00']), UNKNOWN_TAG: encodeLine('XX', ['1']) };
/** RX frames whose payload is not a radio message. */
const BAD_MESSAGES = {
  BAD_VERSION: encodeLine('RX', ['fe0000000000', '-70', '09000000000000']),
  SHORT_HEADER: encodeLine('RX', ['fe0000000000', '-70', '0100']),
};

/** A pipeline with an injected monotonic clock for its rate limits; `advance` fires a due summary. */
function floodRig() {
  const { log, entries } = recordingLog('info');
  let now = 0;
  const due: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const rateLimit = {
    now: () => now,
    setTimer: (fn: () => void, ms: number): Timer => {
      const timer = { at: now + ms, fn, cancelled: false };
      due.push(timer);
      return { cancel: () => { timer.cancelled = true; } };
    },
  };
  const registry = new NodeRegistry({ rooms: new Map([[KITCHEN, 'Kitchen']]), log, rateLimit });
  const stored: string[] = [];
  const pipeline = new Pipeline({
    gateway: 'flood-gw', registry, now: () => 1_700_000_000_000 + now, log, rateLimit,
    submit: (pending) => { for (const p of pending(1)) if (p.measurement === 'node') stored.push(`${p.tags.node}/${p.fields.awake.value}`); },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const timer of due.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= now) timer.fn();
      else due.push(timer);
    }
  };
  return { pipeline, registry, entries, stored, advance };
}

test('radio flood: bad frames and bad radio messages log at most 20 lines a minute per kind, then one summary with counts by code', (t) => {
  const { pipeline, entries, stored, advance } = floodRig();
  const frames = Object.values(BAD_FRAMES);
  const messages = Object.values(BAD_MESSAGES);
  for (let i = 0; i < 12_000; i++) {
    pipeline.handleLine(frames[i % frames.length]);
    pipeline.handleLine(messages[i % messages.length]);
    pipeline.handleLine(`noise ${i}`);
    if (i % 100 === 0) pipeline.handleLine(rx(KITCHEN, i / 100));
    if (i % 400 === 399) advance(1000); // 30 s of flood
  }
  advance(30_000);
  t.like(pipeline.counters, { badFrames: 12_000, badMessages: 12_000, consoleLines: 12_000, messages: 120 });
  t.is(stored.length, 120, 'every valid frame of the configured node still makes its points');

  const badFrameLines = entries.filter((e) => String(e.msg).startsWith('bad broker frame'));
  const badMessageLines = entries.filter((e) => String(e.msg).startsWith('bad radio message'));
  const consoleLines = entries.filter((e) => e.msg === 'broker console');
  t.is(badFrameLines.length, 20);
  t.is(badMessageLines.length, 20);
  t.is(consoleLines.length, 20);
  t.true(badFrameLines.every((e) => e.level === LEVEL.warn && typeof e.code === 'string'));

  const summary = (what: string) => entries.find((e) => String(e.msg).includes(`more ${what} not logged`));
  t.like(summary('bad broker frames'), { level: LEVEL.warn, msg: '11980 more bad broker frames not logged (at most 20 lines per 60 s)', suppressed: 11_980 });
  const frameCodes = summary('bad broker frames')!.byCode as Record<string, number>;
  t.deepEqual(Object.keys(frameCodes).sort(), Object.keys(BAD_FRAMES).sort());
  t.is(Object.values(frameCodes).reduce((a, b) => a + b, 0), 11_980);
  t.like(summary('bad radio messages'), { suppressed: 11_980 });
  t.deepEqual(Object.keys(summary('bad radio messages')!.byCode as object).sort(), Object.keys(BAD_MESSAGES).sort());
  t.like(summary('broker console lines'), { level: LEVEL.info, suppressed: 11_980, byCode: { NOT_A_FRAME: 11_980 } });
  t.is(entries.length, 63, '3 kinds x (20 lines + 1 summary) for a minute of flood');
});

test('radio flood: 20,000 spoofed MACs keep a bounded registry and a short log; the configured node is kept', (t) => {
  const { pipeline, registry, entries, stored, advance } = floodRig();
  for (let i = 0; i < 20_000; i++) {
    pipeline.handleLine(rx((0xfe0000000000 + i).toString(16), i & 0xffff));
    if (i % 100 === 0) pipeline.handleLine(rx(KITCHEN, i / 100));
    if (i % 1000 === 999) advance(1000);
  }
  pipeline.flushLogs();
  t.is(stored.length, 20_200, 'points of every message, spoofed or not');
  t.true(registry.unknownKept <= 1000);
  t.like(registry.counters, { unknownNodes: 20_000, forgottenNodes: 19_000 });
  t.like(registry.get(KITCHEN), { room: 'Kitchen', counters: { messages: 200, lost: 0 } });
  t.true(entries.length <= 23, `${entries.length} log lines for 20,000 unknown nodes`);
  t.like(entries.find((e) => String(e.msg).includes('more unknown nodes not logged')), { suppressed: 19_980 });
  t.like(entries.find((e) => String(e.msg).includes('more lines about forgotten unknown nodes not logged')), { suppressed: 18_999 });
});
