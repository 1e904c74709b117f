import test from 'ava';
import { OutgoingQueue } from '../../../src/control/mqtt/outgoing-queue.ts';

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
