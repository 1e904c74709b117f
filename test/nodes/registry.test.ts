import test from 'ava';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/log.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { decodeMessage, encodeMessage, KIND, record, type RecordDraft } from '../../src/protocol/index.ts';

const KITCHEN = 'a2b2c2d2e2f2';
const STRANGER = 'a2b2c2d2e2f9';
const rooms = new Map([[KITCHEN, 'Kitchen']]);

const msg = (boot: number, seq: number, records: RecordDraft[] = [], kind: number = KIND.REPORT) =>
  decodeMessage(encodeMessage({ kind, boot, seq, records }));

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: createLogger({ level: 'warn', destination }), lines };
}

test('registry: a REPORT updates the node state in display units', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  const result = registry.accept('a2:b2:c2:d2:e2:f2', -61, msg(3, 258, [
    record('temperature', 2153), record('humidity', 4012), record('pressure', 101325), record('illuminance', 34567),
    record('battery', 3912), record('interval', 300), record('status', 8),
  ]), 1000);
  t.like(result, { duplicate: false, room: 'Kitchen', lost: 0 });
  t.like(registry.get(KITCHEN), {
    mac: KITCHEN, room: 'Kitchen', firstSeenMs: 1000, lastSeenMs: 1000, boot: 3, seq: 258, rssi: -61, batteryV: 3.912, intervalS: 300, status: 8,
    latest: { temperature: 21.53, humidity: 40.12, pressure: 1013.25, illuminance: 345.67 },
    counters: { messages: 1, duplicates: 0, lost: 0 },
  });
});

test('registry: a HELLO sets the firmware and keeps earlier readings', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(KITCHEN, -60, msg(1, 0, [record('temperature', 2000)]), 1);
  registry.accept(KITCHEN, undefined, msg(2, 0, [record('firmware', 'node-1.2.0'), record('interval', 60)], KIND.HELLO), 2);
  t.like(registry.get(KITCHEN), { firmware: 'node-1.2.0', intervalS: 60, rssi: -60, boot: 2, latest: { temperature: 20 } });
});

test('registry: duplicates are dropped and gaps counted, per node and in total', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(KITCHEN, -50, msg(1, 1), 1);
  t.deepEqual(registry.accept(KITCHEN, -50, msg(1, 1), 2), { duplicate: true });
  t.like(registry.accept(KITCHEN, -50, msg(1, 5), 3), { duplicate: false, lost: 3 });
  t.like(registry.get(KITCHEN)!.counters, { messages: 2, duplicates: 1, lost: 3 });
  t.deepEqual(registry.counters, { messages: 2, duplicates: 1, lost: 3, unknownNodes: 0, forgottenNodes: 0 });
});

test('registry: a late message is accepted, un-counts its loss and does not roll the state back', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(KITCHEN, -50, msg(1, 1, [record('temperature', 1000)]), 1);
  registry.accept(KITCHEN, -50, msg(1, 3, [record('temperature', 3000)]), 2);
  t.like(registry.accept(KITCHEN, -50, msg(1, 2, [record('temperature', 2000)]), 3), { duplicate: false, lost: 0 });
  t.like(registry.get(KITCHEN), { seq: 3, latest: { temperature: 30 }, counters: { messages: 3, lost: 0 } });
});

test('registry: an unknown MAC gets room unknown and one warning with the YAML line to add', (t) => {
  const { log, lines } = capturingLogger();
  const registry = new NodeRegistry({ rooms, log });
  t.like(registry.accept(STRANGER, -70, msg(1, 1), 1), { room: 'unknown' });
  registry.accept(STRANGER, -70, msg(1, 2), 2);
  t.is(lines.length, 1);
  t.is(lines[0].yaml, '  "a2:b2:c2:d2:e2:f9": <room name>');
  t.true(String(lines[0].msg).endsWith('\n  "a2:b2:c2:d2:e2:f9": <room name>'));
  t.is(registry.counters.unknownNodes, 1);
});

test('registry: setRooms names a node that was unknown', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(STRANGER, -70, msg(1, 1), 1);
  registry.setRooms(new Map([[STRANGER, 'Garage']]));
  t.is(registry.get(STRANGER)!.room, 'Garage');
  t.like(registry.accept(STRANGER, -70, msg(1, 2), 2), { room: 'Garage' });
  t.is(registry.get(KITCHEN), undefined);
});

test('registry: states() lists nodes in order of first contact', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(STRANGER, -70, msg(1, 1), 1);
  registry.accept(KITCHEN, -70, msg(1, 1), 2);
  t.deepEqual(registry.states().map((s) => s.mac), [STRANGER, KITCHEN]);
});

test('registry: past maxUnknownNodes the longest-silent unknown node is forgotten', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger, maxUnknownNodes: 2 });
  registry.accept(KITCHEN, -70, msg(1, 1), 1);
  registry.accept('a2b2c2d2e2a1', -70, msg(1, 1), 2);
  registry.accept('a2b2c2d2e2a2', -70, msg(1, 1), 3);
  registry.accept('a2b2c2d2e2a3', -70, msg(1, 1), 4);
  t.deepEqual(registry.states().map((s) => s.mac), [KITCHEN, 'a2b2c2d2e2a2', 'a2b2c2d2e2a3']);
});

test('registry: 200,000 spoofed MACs from radio range: unknown nodes bounded, forgotten ones counted, configured nodes kept, warnings rate-limited', (t) => {
  const { log, lines } = capturingLogger();
  let now = 0;
  const registry = new NodeRegistry({ rooms, log, maxUnknownNodes: 500, rateLimit: { now: () => now, setTimer: () => ({ cancel() {} }) } });
  registry.accept(KITCHEN, -50, msg(1, 0), 0);
  for (let i = 0; i < 200_000; i++) {
    now = i;
    registry.accept((0xfe0000000000 + i).toString(16), -80, msg(1, 0), i);
    if (i % 1000 === 0) registry.accept(KITCHEN, -50, msg(1, 1 + i / 1000), i);
  }
  t.is(registry.states().length, 501, 'the configured node and the 500 most recently heard unknown ones');
  t.is(registry.unknownKept, 500);
  t.like(registry.get(KITCHEN), { room: 'Kitchen', counters: { messages: 201, lost: 0 } });
  t.truthy(registry.get((0xfe0000000000 + 199_999).toString(16)), 'the newest unknown node is kept');
  t.is(registry.get((0xfe0000000000 + 199_499).toString(16)), undefined, 'the longest-silent ones are forgotten');
  t.like(registry.counters, { unknownNodes: 200_000, forgottenNodes: 199_500, messages: 200_201 });
  // 200 s of flood: 4 windows of a minute (and the open one), at most 20 unknown-node lines and 1 forgotten line each.
  t.true(lines.length <= 4 * (20 + 1 + 2) + 21, `${lines.length} warnings`);
  registry.flushLogs();
  const summaries = lines.filter((l) => l.suppressed !== undefined);
  const logged = lines.filter((l) => l.code === 'UNKNOWN_NODE').length;
  const suppressed = summaries.filter((l) => String(l.msg).includes('more unknown nodes not logged')).reduce((n, l) => n + Number(l.suppressed), 0);
  t.is(logged + suppressed, 200_000, 'every unknown node either logged or counted in a summary');
  t.truthy(lines.find((l) => l.code === 'NODE_FORGOTTEN' && String(l.msg).includes('more than 500 unknown nodes')), 'forgetting is visible in the log');
});

test('registry: an unknown node that keeps talking is not forgotten by a flood of one-off MACs', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger, maxUnknownNodes: 10 });
  for (let i = 0; i < 1000; i++) {
    registry.accept((0xfe0000000000 + i).toString(16), -80, msg(1, 0), i);
    if (i % 5 === 0) registry.accept(STRANGER, -60, msg(1, i / 5), i);
  }
  t.like(registry.get(STRANGER), { counters: { messages: 200, lost: 0, duplicates: 0 } });
  t.is(registry.unknownKept, 10);
});

test('registry: a reload that names an unknown node keeps it past the unknown bound; one that drops a name makes it unknown and bounded', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger, maxUnknownNodes: 2 });
  registry.accept(STRANGER, -70, msg(1, 1), 1);
  registry.setRooms(new Map([[KITCHEN, 'Kitchen'], [STRANGER, 'Garage']]));
  for (let i = 0; i < 5; i++) registry.accept(`a2b2c2d2e2a${i}`, -70, msg(1, 1), 2 + i);
  t.is(registry.get(STRANGER)!.room, 'Garage');
  registry.accept(KITCHEN, -70, msg(1, 1), 10);
  registry.setRooms(new Map());
  t.is(registry.unknownKept, 2, 'still at most 2 unknown nodes');
  t.deepEqual(registry.states().map((s) => s.mac), ['a2b2c2d2e2a4', KITCHEN], 'the two heard last');
  t.like(registry.counters, { forgottenNodes: 3 + 2 });
});

test('registry: per channel, the values and the relay state the node confirmed; a HELLO sets the capabilities; a press is kept with its time', (t) => {
  const registry = new NodeRegistry({ rooms, log: silentLogger });
  registry.accept(KITCHEN, -60, msg(1, 0, [record('capabilities', 0b111000), record('channel', 2), record('powerOnState', 2), record('currentLimit', 10_000)], KIND.HELLO), 1);
  registry.accept(KITCHEN, -60, msg(1, 1, [record('channel', 2), record('power', 23_005), record('relay', 1), record('channel', 3), record('press', 2)]), 2);
  const result = registry.accept(KITCHEN, -60, msg(1, 2, [record('commandId', 7), record('outcome', 0), record('channel', 2), record('relay', 0), record('trip', 1)], KIND.RESULT), 3);
  t.like(result, { duplicate: false, view: { kind: 'RESULT', values: { commandId: 7, outcome: 0 } } });
  t.like(registry.get(KITCHEN), {
    capabilities: 0b111000,
    channels: {
      2: { channel: 2, power: 2300.5, relay: false, trip: 1, powerOnState: 2, currentLimit: 10, updatedMs: 3 },
      3: { channel: 3, lastPress: { press: 2, atMs: 2 }, updatedMs: 2 },
    },
  });
});
