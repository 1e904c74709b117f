import test from 'ava';
import type { CommandStatus, CommandView } from '../../../src/commands/types.ts';
import { record } from '../../../src/protocol/index.ts';
import { SENSOR, SOCKET } from './mqtt-rig.ts';
import { BASE, startRig } from './service-rig.ts';

// What one event-loop turn of bus events becomes on a real broker: state
// topics carry the turn's last state once, events are all delivered.

test('mqtt: 50 readings of one node in one turn publish its state once, with the last values', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  const topic = `${BASE}/${SENSOR}/state`;
  await ob.until(() => ob.last(topic), 'the retained state');
  ob.messages.length = 0;
  for (let i = 1; i <= 50; i += 1) rig.nodes.hear(SENSOR, [record('temperature', 2000 + i)]);
  await ob.until(() => ob.json(topic)?.temperature === 20.5, 'the last temperature');
  rig.nodes.hear(SOCKET, [record('channel', 1), record('power', 10)]);
  await ob.until(() => ob.json(`${BASE}/${SOCKET}/1/state`)?.power === 1, 'a later turn (everything before it has arrived)');
  t.deepEqual(ob.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text).temperature), [20.5]);
});

test('mqtt: every status of a command reaches the broker in order, even when they change within one turn', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.until(() => ob.last(`${BASE}/bridge/state`), 'connected');
  const at = rig.nodes.clock.now;
  const view = (id: number, status: CommandStatus): CommandView => ({
    id, mac: SOCKET, room: 'Office', channel: 1, action: { type: 'relay', channel: 1, state: 'on' }, requested: { type: 'relay', channel: 1, state: 'on' },
    source: 'api', status, createdMs: at, updatedMs: at, history: [],
  });
  const statuses: CommandStatus[] = ['accepted', 'queued', 'sent', 'delivered', 'ok'];
  for (const status of statuses) {
    rig.nodes.bus.emit('commandChanged', view(41, status));
    rig.nodes.bus.emit('commandChanged', view(42, status));
  }
  const topics = [`${BASE}/commands/41`, `${BASE}/commands/42`];
  const of = (topic: string): unknown[] => ob.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text).status);
  await ob.until(() => topics.every((topic) => of(topic).length >= statuses.length), 'every status');
  for (const topic of topics) t.deepEqual(of(topic), statuses, topic);
  t.true(ob.messages.filter((m) => topics.includes(m.topic)).every((m) => !m.retain));
});
