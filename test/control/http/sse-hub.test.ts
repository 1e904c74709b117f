import test from 'ava';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventBus } from '../../../src/bus/event-bus.ts';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import { SseHub } from '../../../src/control/http/sse-hub.ts';
import { silentLogger } from '../../../src/log.ts';
import type { NodeView } from '../../../src/nodes/node-store.ts';

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
  /** Everything written after the greeting: each event's name and, for a reading, its `seq`. */
  events(): Array<{ event: string; seq?: number }> {
    return this.writes.slice(1).join('').split('\n\n').filter((b) => b.startsWith('event: ')).map((block) => {
      const [event, data] = block.split('\n');
      const parsed = JSON.parse(data.slice('data: '.length)) as { values?: { seq?: number } };
      return { event: event.slice('event: '.length), seq: parsed.values?.seq };
    });
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(maxQueueBytes?: number) {
  const bus = new EventBus(silentLogger);
  const nodes = { list: (): NodeView[] => [], get: (mac: string) => ({ mac, room: 'Office' }) as unknown as NodeView };
  const hub = new SseHub({ bus, nodes, log: silentLogger, maxQueueBytes, heartbeatMs: 60_000 });
  hub.start();
  const client = (): FakeResponse => {
    const res = new FakeResponse();
    hub.add(res as unknown as ServerResponse);
    return res;
  };
  return { bus, hub, client };
}

const reading = (seq: number): ReadingEvent => ({ mac: 'a2b2c2d2e2f3', room: 'Office', kind: 'REPORT', atMs: seq, values: { seq } as ReadingEvent['values'], channels: [] });

test('sse hub: the events of one turn reach each client in one write, all of them, in order', async (t) => {
  const { bus, hub, client } = setup();
  t.teardown(() => hub.stop());
  const a = client();
  const b = client();
  for (let seq = 0; seq < 100; seq += 1) {
    bus.emit('reading', reading(seq));
    bus.emit('nodeChanged', { mac: 'a2b2c2d2e2f3' });
  }
  t.is(a.writes.length, 1, 'nothing but the greeting before the turn ends');
  await turn();
  for (const res of [a, b]) {
    t.is(res.writes.length, 2, 'the greeting and one write for the turn');
    const events = res.events();
    t.is(events.length, 200);
    t.deepEqual(events.filter((e) => e.event === 'reading').map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i));
    t.deepEqual(events.slice(0, 4).map((e) => e.event), ['reading', 'node', 'reading', 'node']);
  }
  bus.emit('reading', reading(100));
  await turn();
  t.is(a.writes.length, 3, 'the next turn is the next write');
  t.is(a.events().at(-1)?.seq, 100);
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
  t.is(res.writes.length, 2);
  t.true(res.writes[1].length < 4_200, `one write of ${res.writes[1].length} characters, the bound plus at most one event`);
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
