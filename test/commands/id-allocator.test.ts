import test from 'ava';
import { IdAllocator, idOfSerial } from '../../src/commands/id-allocator.ts';

const H = 3600_000;
const T0 = Date.UTC(2025, 5, 1);

test('ids run 1..65535 and then start again at 1', (t) => {
  t.deepEqual([0, 1, 65534, 65535, 65536].map(idOfSerial), [1, 2, 65535, 1, 2]);
  const ids = new IdAllocator({ nextSerial: 65533, checkpoints: [] });
  t.deepEqual([ids.take(T0), ids.take(T0), ids.take(T0)], [65534, 65535, 1]);
});

test('an id still open is skipped', (t) => {
  const ids = new IdAllocator();
  t.is(ids.take(T0, (id) => id === 1 || id === 2), 3);
  t.is(ids.nextId, 4);
});

test('no id handed out in the last 24 h is handed out again; after 25 h they are free', (t) => {
  const ids = new IdAllocator();
  for (let i = 0; i < 65535; i += 1) ids.take(T0 + (i % 2) * 1000);
  t.is(ids.take(T0 + 10 * H), undefined, 'all 65535 used within 24 h');
  t.is(ids.take(T0 + 24 * H), undefined, 'the guard errs on the safe side by up to 1 h');
  t.is(ids.take(T0 + 25 * H + 1), 1);
});

test('hourly checkpoints free the oldest ids first, and the state round-trips', (t) => {
  const ids = new IdAllocator();
  // 30000 ids at hour 0, 35535 at hour 2: all used.
  for (let i = 0; i < 30000; i += 1) ids.take(T0);
  for (let i = 0; i < 35535; i += 1) ids.take(T0 + 2 * H);
  t.is(ids.take(T0 + 23 * H), undefined);
  const again = new IdAllocator(JSON.parse(JSON.stringify(ids.state())));
  t.is(again.take(T0 + 25 * H), undefined, 'hour 0 ids may have been handed out until hour 2 began');
  t.is(again.take(T0 + 26 * H), 1, 'free once the run after them started 24 h ago');
  t.true(again.state().checkpoints.length <= 3);
});

test('a clock that goes back never frees ids early', (t) => {
  const ids = new IdAllocator();
  for (let i = 0; i < 65535; i += 1) ids.take(T0 + 48 * H);
  t.is(ids.take(T0), undefined);
  t.is(ids.take(T0 + 60 * H), undefined);
});
