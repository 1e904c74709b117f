import test from 'ava';
import fc from 'fast-check';
import { OutgoingQueue, type OutgoingMessage } from '../../../src/control/mqtt/outgoing-queue.ts';

const m = (topic: string, payload = 'x') => ({ topic, payload, retain: true });

test('outgoing queue: oldest first', (t) => {
  const q = new OutgoingQueue();
  q.put(m('a'));
  q.put(m('b'));
  t.is(q.take()?.topic, 'a');
  t.is(q.take()?.topic, 'b');
  t.is(q.take(), undefined);
});

test('outgoing queue: a newer message for a topic replaces the waiting one and goes last', (t) => {
  const q = new OutgoingQueue();
  q.put(m('a', '1'));
  q.put(m('b'));
  q.put(m('a', '2'));
  t.is(q.size, 2);
  t.deepEqual([q.take()?.topic, q.take()?.payload], ['b', '2']);
});

test('outgoing queue: past its bound the oldest is dropped and counted', (t) => {
  const q = new OutgoingQueue(2);
  t.true(q.put(m('a')));
  t.true(q.put(m('b')));
  t.false(q.put(m('c')));
  t.is(q.size, 2);
  t.is(q.dropped, 1);
  t.is(q.droppedState, 1);
  t.deepEqual([q.take()?.topic, q.take()?.topic], ['b', 'c']);
});

test('outgoing queue: a flood of one topic takes one slot', (t) => {
  const q = new OutgoingQueue(3);
  for (let i = 0; i < 10_000; i += 1) q.put(m('a', String(i)));
  t.is(q.size, 1);
  t.is(q.dropped, 0);
  t.is(q.take()?.payload, '9999');
});

test('outgoing queue: events (not retained) are never replaced: two refusals on one topic are both sent, in order among the states', (t) => {
  const q = new OutgoingQueue();
  q.put({ topic: 'espnow-gateway/commands/refused', payload: 'first', retain: false });
  q.put(m('a', '1'));
  q.put({ topic: 'espnow-gateway/commands/refused', payload: 'second', retain: false });
  q.put({ topic: 'espnow-gateway/commands/7', payload: 'accepted', retain: false });
  q.put({ topic: 'espnow-gateway/commands/7', payload: 'sent', retain: false });
  q.put(m('a', '2'));
  const out: string[] = [];
  for (let x = q.take(); x; x = q.take()) out.push(`${x.topic} ${x.payload}`);
  t.deepEqual(out, [
    'espnow-gateway/commands/refused first', 'espnow-gateway/commands/refused second',
    'espnow-gateway/commands/7 accepted', 'espnow-gateway/commands/7 sent', 'a 2',
  ]);
});

test('outgoing queue: events count toward the bound like states; the oldest goes first', (t) => {
  const q = new OutgoingQueue(2);
  q.put({ topic: 'e', payload: '1', retain: false });
  q.put({ topic: 'e', payload: '2', retain: false });
  t.false(q.put({ topic: 'e', payload: '3', retain: false }));
  t.is(q.dropped, 1);
  t.deepEqual([q.take()?.payload, q.take()?.payload, q.take()], ['2', '3', undefined]);
});

test('outgoing queue: past its bound an event goes before any state, so a flood of events never pushes out discovery', (t) => {
  const q = new OutgoingQueue(3);
  q.put(m('homeassistant/sensor/a/config'));
  q.put({ topic: 'e', payload: '1', retain: false });
  q.put(m('espnow-gateway/node/a/availability'));
  for (let i = 2; i <= 100; i += 1) t.false(q.put({ topic: 'e', payload: String(i), retain: false }));
  t.is(q.dropped, 99);
  t.is(q.droppedState, 0);
  const out: string[] = [];
  for (let x = q.take(); x; x = q.take()) out.push(`${x.topic} ${x.payload}`);
  t.deepEqual(out, ['homeassistant/sensor/a/config x', 'espnow-gateway/node/a/availability x', 'e 100']);
});

/** The queue's rules written plainly, over an array: the reference for the property below. */
class ModelQueue {
  items: OutgoingMessage[] = [];
  dropped = 0;
  droppedState = 0;
  constructor(private readonly max: number) {}
  put(message: OutgoingMessage): boolean {
    if (message.retain) this.items = this.items.filter((x) => !(x.retain && x.topic === message.topic));
    this.items.push(message);
    if (this.items.length <= this.max) return true;
    this.dropped += 1;
    const event = this.items.findIndex((x) => !x.retain);
    if (event >= 0) this.items.splice(event, 1);
    else {
      this.items.shift();
      this.droppedState += 1;
    }
    return false;
  }
  take(): OutgoingMessage | undefined {
    return this.items.shift();
  }
  clear(): void {
    this.items = [];
  }
}

test('property: the queue behaves as its plain model under any mix of state, events, takes and clears', (t) => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), topic: fc.constantFrom('a', 'b', 'c', 'd'), payload: fc.string({ maxLength: 3 }), retain: fc.boolean() }),
    fc.constant({ kind: 'take' as const }),
    fc.constant({ kind: 'clear' as const }),
  );
  fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 80 }), (max, ops) => {
    const q = new OutgoingQueue(max);
    const model = new ModelQueue(max);
    for (const o of ops) {
      if (o.kind === 'put') {
        const message = { topic: o.topic, payload: o.payload, retain: o.retain };
        t.is(q.put(message), model.put(message));
      } else if (o.kind === 'take') {
        t.deepEqual(q.take(), model.take());
      } else {
        q.clear();
        model.clear();
      }
      t.is(q.size, model.items.length);
    }
    t.deepEqual([q.dropped, q.droppedState], [model.dropped, model.droppedState]);
    const rest: OutgoingMessage[] = [];
    for (let x = q.take(); x; x = q.take()) rest.push(x);
    t.deepEqual(rest, model.items);
  }), { numRuns: 500 });
});
