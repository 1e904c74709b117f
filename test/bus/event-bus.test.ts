import test from 'ava';
import { EventBus } from '../../src/bus/event-bus.ts';
import { silentLogger } from '../../src/log.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';

test('bus: listeners get events in subscription order and can unsubscribe', (t) => {
  const bus = new EventBus(silentLogger);
  const seen: string[] = [];
  const off = bus.on('nodeChanged', (e) => seen.push(`a ${e.mac}`));
  bus.on('nodeChanged', (e) => seen.push(`b ${e.mac}`));
  bus.emit('nodeChanged', { mac: '1' });
  off();
  bus.emit('nodeChanged', { mac: '2' });
  t.deepEqual(seen, ['a 1', 'b 1', 'b 2']);
  t.is(bus.count('nodeChanged'), 1);
});

test('bus: a listener that throws never reaches the publisher nor the other listeners, and is logged once', (t) => {
  const { log, entries } = recordingLog();
  const bus = new EventBus(log);
  const seen: string[] = [];
  bus.on('nodeChanged', () => { throw new Error('output broke'); });
  bus.on('nodeChanged', (e) => seen.push(e.mac));
  t.notThrows(() => { bus.emit('nodeChanged', { mac: 'x' }); bus.emit('nodeChanged', { mac: 'y' }); });
  t.deepEqual(seen, ['x', 'y']);
  t.is(entries.filter((l) => l.level === LEVEL.error).length, 1);
});
