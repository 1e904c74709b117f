import test from 'ava';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventBus } from '../../../src/bus/event-bus.ts';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import { SseHub } from '../../../src/control/http/sse-hub.ts';
import { silentLogger } from '../../../src/log.ts';
import type { NodeView } from '../../../src/nodes/node-store.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// The hub against fake responses: every write is recorded, and nothing drains
// unless the test says so (writableLength is what a socket would still hold).

class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  writableLength = 0;
  destroyed = false;
  writableEnded = false;
  writeHead(): this { return this; }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    this.writableLength += chunk.length;
    return true;
  }
  end(): void { this.writableEnded = true; }
  destroy(): void { this.destroyed = true; this.emit('close'); }
  /** Everything written after the greeting: each event's name and, for a reading, its `seq`; for a node, its MAC and room. */
  events(): Array<{ event: string; seq?: number; mac?: string; room?: string }> {
    return this.writes.slice(1).join('').split('\n\n').filter((b) => b.startsWith('event: ')).map((block) => {
      const [event, data] = block.split('\n');
      const parsed = JSON.parse(data.slice('data: '.length)) as { values?: { seq?: number }; mac: string; room: string };
      const name = event.slice('event: '.length);
      return name === 'node' ? { event: name, mac: parsed.mac, room: parsed.room } : { event: name, seq: parsed.values?.seq };
    });
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(maxQueueBytes?: number, nodeEventMs?: number, writeGapMs = 0) {
  const bus = new EventBus(silentLogger);
  /** What each node's view says now (`room` stands for its state), by MAC. */
  const state = new Map<string, string>();
  const nodes = { list: (): NodeView[] => [], get: (mac: string) => ({ mac, room: state.get(mac) ?? 'Office' }) as unknown as NodeView };
  const hub = new SseHub({ bus, nodes, log: silentLogger, maxQueueBytes, heartbeatMs: 60_000, nodeEventMs, writeGapMs });
  hub.start();
  const client = (): FakeResponse => {
    const res = new FakeResponse();
    hub.add(res as unknown as ServerResponse);
    return res;
  };
  return { bus, hub, client, state };
}

const reading = (seq: number): ReadingEvent => ({ mac: 'a2b2c2d2e2f3', room: 'Office', kind: 'REPORT', atMs: seq, values: { seq } as ReadingEvent['values'], channels: [] });

test('sse hub: the events of one turn reach each client in one write, every reading, in order', async (t) => {
  const { bus, hub, client } = setup();
  t.teardown(() => hub.stop());
  const a = client();
  const b = client();
  for (let seq = 0; seq < 100; seq += 1) {
    bus.emit('reading', reading(seq));
    bus.emit('commandChanged', { id: seq, mac: 'a2b2c2d2e2f3' } as never);
  }
  t.is(a.writes.length, 1, 'nothing but the greeting before the turn ends');
  await turn();
  for (const res of [a, b]) {
    t.is(res.writes.length, 2, 'the greeting and one write for the turn');
    const events = res.events();
    t.is(events.length, 200);
    t.deepEqual(events.filter((e) => e.event === 'reading').map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i));
    t.deepEqual(events.slice(0, 4).map((e) => e.event), ['reading', 'command', 'reading', 'command']);
  }
  bus.emit('reading', reading(100));
  await turn();
  t.is(a.writes.length, 3, 'the next turn is the next write');
  t.is(a.events().at(-1)?.seq, 100);
});

test('sse hub: node events: the first at once; changes within the window, one per node at its end with the state then; quiet closes the window', async (t) => {
  const { bus, hub, client, state } = setup(undefined, 40);
  t.teardown(() => hub.stop());
  const res = client();
  const nodeEvents = () => res.events().filter((e) => e.event === 'node').map((e) => `${e.mac} ${e.room}`);
  bus.emit('reading', reading(0));
  bus.emit('nodeChanged', { mac: 'a1' });
  for (let i = 1; i <= 50; i += 1) {
    bus.emit('reading', reading(i));
    state.set(i % 2 ? 'b2' : 'a1', `state ${i}`);
    bus.emit('nodeChanged', { mac: i % 2 ? 'b2' : 'a1' });
  }
  await turn();
  t.deepEqual(res.events().slice(0, 3).map((e) => e.event), ['reading', 'node', 'reading'], 'the first change goes out at once, after its reading');
  t.deepEqual(nodeEvents(), ['a1 Office']);
  t.is(res.events().filter((e) => e.event === 'reading').length, 51, 'every reading, without waiting');
  await waitFor(() => nodeEvents().length === 3, 1000, 'the window closed');
  t.deepEqual(nodeEvents().slice(1).sort(), ['a1 state 50', 'b2 state 49'], 'one event per node changed in the window, with its latest state');
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.is(nodeEvents().length, 3, 'nothing more while nothing changed');
  state.set('b2', 'state 51');
  bus.emit('nodeChanged', { mac: 'b2' });
  await turn();
  t.deepEqual(nodeEvents().at(-1), 'b2 state 51', 'after a quiet window the next change goes out at once again');
});

test('sse hub: stop() sends the node events still due', (t) => {
  const { bus, hub, client, state } = setup(undefined, 60_000);
  const res = client();
  bus.emit('nodeChanged', { mac: 'a1' });
  state.set('a1', 'last');
  bus.emit('nodeChanged', { mac: 'a1' });
  hub.stop();
  t.deepEqual(res.events().map((e) => `${e.event} ${e.room}`), ['node Office', 'node last']);
});

test('sse hub: a write within the write gap of the previous one waits for the gap\'s end, and takes everything that came meanwhile', async (t) => {
  const { bus, hub, client } = setup(undefined, undefined, 50);
  t.teardown(() => hub.stop());
  const res = client();
  bus.emit('reading', reading(0));
  await turn();
  t.is(res.writes.length, 2, 'the first write at the end of the turn: nothing was written before');
  bus.emit('reading', reading(1));
  await turn();
  bus.emit('reading', reading(2));
  await turn();
  t.is(res.writes.length, 2, 'within the gap: waiting');
  await waitFor(() => res.writes.length === 3, 1000, 'the write at the end of the gap');
  t.deepEqual(res.events().map((e) => e.seq), [0, 1, 2]);
  await new Promise((resolve) => setTimeout(resolve, 80));
  bus.emit('reading', reading(3));
  await turn();
  t.is(res.writes.length, 4, 'after a quiet gap, at the end of the turn again');
});

test('sse hub: what waits through a gap is written early once it reaches 64 KiB', (t) => {
  const { bus, hub, client } = setup(undefined, undefined, 60_000);
  t.teardown(() => hub.stop());
  const res = client();
  for (let seq = 0; seq < 1500; seq += 1) bus.emit('reading', reading(seq));
  t.true(res.writes.length >= 3, `${res.writes.length - 1} writes of about 170 kB within one turn`);
  t.true(res.writes.slice(1).every((w) => w.length <= 64 * 1024 + 200), 'none longer than 64 KiB and one event');
});

test('sse hub: text beyond ASCII and an event longer than a whole batch arrive intact, in order', async (t) => {
  const { bus, hub, client } = setup(1024 * 1024);
  t.teardown(() => hub.stop());
  const res = client();
  const room = 'Küche ☕ 𝄞'.repeat(3000); // 2-, 3- and 4-byte UTF-8: about 36,000 characters, 99,000 bytes
  bus.emit('reading', reading(1));
  bus.emit('reading', { ...reading(2), room });
  bus.emit('reading', reading(3));
  await turn();
  t.deepEqual(res.events().map((e) => e.seq), [1, 2, 3]);
  const second = JSON.parse(res.writes.slice(1).map(String).join('').split('\n\n')[1].split('\n')[1].slice('data: '.length)) as { room: string };
  t.is(second.room, room);
});

/** A response that takes its bytes the way a socket does: a write's callback comes later, and until then its buffer must not change. */
class SlowSocketResponse extends FakeResponse {
  /** Writes whose buffer changed before their callback (the hub reused it too early). */
  readonly overwritten: number[] = [];
  constructor(private readonly delayMs: () => number) { super(); }
  override write(chunk: string | Buffer, callback?: (err?: Error) => void): boolean {
    const copy = Buffer.from(chunk);
    super.write(copy.toString('utf8'));
    const index = this.writes.length - 1;
    setTimeout(() => {
      if (typeof chunk !== 'string' && !copy.equals(chunk)) this.overwritten.push(index);
      callback?.();
    }, this.delayMs());
    return true;
  }
}

test('sse hub: a written buffer is reused only after every client took it; each client gets every event intact, in order', async (t) => {
  const { bus, hub } = setup(16 * 1024 * 1024, undefined, 0);
  t.teardown(() => hub.stop());
  const fast = new SlowSocketResponse(() => 0);
  const slow = new SlowSocketResponse(() => Math.floor(Math.random() * 8));
  hub.add(fast as unknown as ServerResponse);
  hub.add(slow as unknown as ServerResponse);
  for (let round = 0; round < 40; round += 1) {
    for (let i = 0; i < 500; i += 1) bus.emit('reading', reading(round * 500 + i)); // ~90 kB: an early write and the rest
    await new Promise((resolve) => setTimeout(resolve, round % 3));
  }
  await turn();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const all = Array.from({ length: 20_000 }, (_, seq) => seq);
  for (const res of [fast, slow]) {
    t.deepEqual(res.overwritten, []);
    t.deepEqual(res.events().map((e) => e.seq), all);
  }
});

test('sse hub: a client that joins mid-turn gets only what happens after it joined', async (t) => {
  const { bus, hub, client } = setup();
  t.teardown(() => hub.stop());
  const early = client();
  bus.emit('reading', reading(1));
  const late = client();
  bus.emit('reading', reading(2));
  await turn();
  t.deepEqual(early.events().map((e) => e.seq), [1, 2]);
  t.deepEqual(late.events().map((e) => e.seq), [2]);
});

test('sse hub: what waits for the turn counts toward the bound; a full client is dropped at once, the others keep every event', async (t) => {
  const { bus, hub, client } = setup(10_000);
  t.teardown(() => hub.stop());
  const slow = client();
  slow.writableLength = 9_000;
  const fast = client();
  let sent = 0;
  while (!slow.destroyed && sent < 1000) {
    bus.emit('reading', reading(sent));
    sent += 1;
  }
  t.true(slow.destroyed, 'disconnected within the turn, before its socket held more than the bound plus one event');
  t.true(sent < 20, `after ${sent} events of about 120 bytes`);
  t.is(hub.dropped, 1);
  t.is(hub.size, 1);
  fast.writableLength = 0;
  bus.emit('reading', reading(sent));
  await turn();
  t.deepEqual(fast.events().map((e) => e.seq), Array.from({ length: sent + 1 }, (_, i) => i), 'the fast client lost nothing');
});

test('sse hub: a turn bigger than the bound is not held in memory: it goes out early, and a client that cannot take it is dropped', (t) => {
  const { bus, hub, client } = setup(4_000);
  t.teardown(() => hub.stop());
  const res = client();
  for (let seq = 0; seq < 1000; seq += 1) bus.emit('reading', reading(seq));
  t.true(res.destroyed, 'one turn of about 150 kB cannot wait in a socket bounded to 4 kB');
  const written = res.writes.slice(1);
  t.true(written.every((w) => w.length < 1_200), 'written early in pieces of a quarter of the bound plus at most one event');
  t.true(written.join('').length < 5_200, `${written.join('').length} characters written in all: the bound plus at most one piece`);
  t.is(hub.size, 0);
});

test('sse hub: stop() writes what waits before it ends the streams', (t) => {
  const { bus, hub, client } = setup();
  const res = client();
  bus.emit('reading', reading(7));
  hub.stop();
  t.deepEqual(res.events().map((e) => e.seq), [7]);
  t.true(res.writableEnded);
});
