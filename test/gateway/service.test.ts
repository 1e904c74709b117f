import test from 'ava';
import { EventBus } from '../../src/bus/event-bus.ts';
import { service, startServices, stopServices } from '../../src/gateway/service.ts';
import { silentLogger } from '../../src/log.ts';
import type { SinkStatus } from '../../src/nodes/node-state.ts';
import { SinkStatusWatch } from '../../src/sinks/sink-status-watch.ts';
import type { Sink } from '../../src/sinks/sink.ts';

test('services start in order and stop in reverse; one that fails to stop does not keep the rest running', async (t) => {
  const seen: string[] = [];
  const list = ['a', 'b', 'c'].map((n) => service(n, () => { seen.push(`start ${n}`); }, () => {
    seen.push(`stop ${n}`);
    if (n === 'b') throw new Error('b is stuck');
  }));
  await startServices(list, silentLogger);
  await stopServices(list, silentLogger);
  t.deepEqual(seen, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
});

test('a service that fails to start stops the ones already started, and the error reaches the caller', async (t) => {
  const seen: string[] = [];
  const list = [
    service('a', () => { seen.push('start a'); }, () => { seen.push('stop a'); }),
    service('b', () => { throw new Error('port busy'); }, () => { seen.push('stop b'); }),
    service('c', () => { seen.push('start c'); }),
  ];
  await t.throwsAsync(startServices(list, silentLogger), { message: 'port busy' });
  t.deepEqual(seen, ['start a', 'stop a']);
});

test('sink status watch: publishes the sink health when it changes, not on every look', (t) => {
  let status: SinkStatus = { reachable: true, backlogPoints: 0 };
  const sink = { status: () => status } as Sink;
  const bus = new EventBus(silentLogger);
  const seen: SinkStatus[] = [];
  bus.on('sinkStatus', (s) => seen.push(s));
  const watch = new SinkStatusWatch(sink, bus);
  watch.check();
  watch.check();
  status = { reachable: false, backlogPoints: 12, lastError: 'InfluxDB http://x unreachable: ECONNREFUSED' };
  watch.check();
  status = { ...status, storageProblem: 'disk full' };
  watch.check();
  t.deepEqual(seen.map((s) => [s.reachable, s.backlogPoints, s.storageProblem]), [[true, 0, undefined], [false, 12, undefined], [false, 12, 'disk full']]);
});
