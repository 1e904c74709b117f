/**
 * `node --expose-gc --import tsx bench/flood.ts [spoofed] [fill]`: memory and
 * log volume of a radio flood in one process. `spoofed` RX frames (default
 * 200,000), each from a different made-up MAC, go through the real pipeline
 * and node registry with bad frames and bad radio messages mixed in and three
 * configured nodes reporting throughout; every point is formatted as line
 * protocol and dropped. With `fill` each spoofed MAC sends a whole seq window
 * (64 messages, the worst case per node). Prints heap and RSS before and
 * after (both after a full GC), log lines and bytes, and the registry's view.
 */
import { Writable } from 'node:stream';
import { Pipeline } from '../src/gateway/pipeline.ts';
import { createLogger } from '../src/log.ts';
import { NodeRegistry } from '../src/nodes/registry.ts';
import { SEQ_WINDOW } from '../src/nodes/seq-window.ts';
import { toLineProtocol } from '../src/points/point.ts';
import { decodeMessage, encodeBrokerEvent, encodeLine, encodeMessage, KIND, record } from '../src/protocol/index.ts';

const spoofed = Number(process.argv[2] ?? 200_000);
const fill = process.argv[3] === 'fill';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const KNOWN = ['a20000000001', 'a20000000002', 'a20000000003'];
const rooms = new Map(KNOWN.map((mac, i) => [mac, `Room ${i + 1}`]));
let logLines = 0;
let logBytes = 0;
const destination = new Writable({ write(chunk: Buffer, _enc, done) { logLines += 1; logBytes += chunk.length; done(); } });
const log = createLogger({ level: 'info', destination });
const registry = new NodeRegistry({ rooms, log });
let points = 0;
let now = Date.parse('2026-01-01T00:00:00Z');
const pipeline = new Pipeline({
  gateway: 'flood', registry, now: () => now, log,
  submit: (pending) => { for (const p of pending(now * 1000)) { toLineProtocol(p); points += 1; } },
});

const report = (seq: number, firmware = false) => encodeMessage({
  kind: firmware ? KIND.HELLO : KIND.REPORT, boot: 1, seq,
  records: firmware ? [record('firmware', 'node-1.2.3-flood'), record('interval', 60)]
    : [record('temperature', 2000 + (seq % 50)), record('humidity', 4000), record('battery', 3900), record('awake', seq)],
});
const rx = (mac: string, payload: Uint8Array) => encodeBrokerEvent({ type: 'rx', mac, rssi: -70, payload: Buffer.from(payload) });
const spoof = (i: number) => (0xfe0000000000 + i).toString(16);
const badFrame = encodeLine('RX', ['nothex', '-70']);
const badMessage = encodeLine('RX', ['fe0000000000', '-70', '09000000000000']);

function mb(n: number): string { return `${(n / 1048576).toFixed(1)} MB`; }
function sample(): { heap: number; rss: number; total: number } {
  gc!(); gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, total: m.heapTotal };
}

// What one kept node costs: a fresh registry alone, 1000 unknown nodes that each sent
// a HELLO (firmware string) and 63 REPORTs with every reading (a full seq window).
// Measured first, on a quiet heap; both registries stay alive to the end, in both samples below.
function perNode(messages: number): { registry: NodeRegistry; bytes: number } {
  const registry = new NodeRegistry({ rooms: new Map(), log: createLogger({ level: 'silent' }) });
  const decoded = Array.from({ length: messages }, (_, s) => decodeMessage(report(s, messages > 1 && s === 0)));
  const empty = sample();
  for (let i = 0; i < 1000; i++) for (const m of decoded) registry.accept(spoof(i), -70, m, i);
  const full = sample();
  return { registry, bytes: Math.round((full.heap - empty.heap) / registry.unknownKept) };
}
const oneMessage = perNode(1);
const fullWindow = perNode(SEQ_WINDOW);

// Warm up the code paths (and JIT) with the configured nodes only.
for (let s = 0; s < 2100; s++) pipeline.handleLine(rx(KNOWN[s % 3], report(Math.floor(s / 3))));
const before = sample();
const logBefore = { lines: logLines, bytes: logBytes };
const started = process.hrtime.bigint();
let knownSeq = 700;
for (let i = 0; i < spoofed; i++) {
  now += 1;
  const mac = spoof(i);
  if (fill) for (let s = 0; s < SEQ_WINDOW; s++) pipeline.handleLine(rx(mac, report(s, s === 0)));
  else pipeline.handleLine(rx(mac, report(i & 0xffff)));
  if (i % 10 === 0) { pipeline.handleLine(badFrame); pipeline.handleLine(badMessage); }
  if (i % 100 === 0) for (const known of KNOWN) pipeline.handleLine(rx(known, report(knownSeq & 0xffff)));
  if (i % 100 === 0) knownSeq += 1;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const after = sample();
const nodes = registry.states().length;
const kept = KNOWN.filter((mac) => registry.get(mac)).length;
process.stdout.write([
  `${spoofed.toLocaleString('en-US')} spoofed MACs${fill ? ` x ${SEQ_WINDOW} messages` : ''} in ${seconds.toFixed(1)} s, ${points.toLocaleString('en-US')} points`,
  `heapUsed ${mb(before.heap)} -> ${mb(after.heap)} (+${mb(after.heap - before.heap)}), heapTotal ${mb(before.total)} -> ${mb(after.total)}, rss ${mb(before.rss)} -> ${mb(after.rss)} (+${mb(after.rss - before.rss)})`,
  `log: ${(logLines - logBefore.lines).toLocaleString('en-US')} lines, ${mb(logBytes - logBefore.bytes)}`,
  `registry: ${nodes} nodes kept, ${kept} of ${KNOWN.length} configured kept; counters ${JSON.stringify(registry.counters)}`,
  `pipeline: ${JSON.stringify(pipeline.counters)}`,
  `one kept unknown node: ${oneMessage.bytes} bytes of heap after one message, ${fullWindow.bytes} with a full seq window and a firmware string (a registry of 1000 such nodes measured alone)`,
  '',
].join('\n'));
