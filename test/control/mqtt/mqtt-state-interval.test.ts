import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandView } from '../../../src/commands/types.ts';
import { record } from '../../../src/protocol/index.ts';
import { SENSOR, SOCKET } from './mqtt-rig.ts';
import type { Observer } from './observer.ts';
import { BASE, startRig, type Rig } from './service-rig.ts';

// mqtt.stateIntervalMs on a real broker: a retained state topic at most once
// per interval, the first change at once and the latest at the interval's end;
// events never wait.

const STATE = `${BASE}/${SENSOR}/state`;
const temperatures = (ob: Observer, topic = STATE): unknown[] => ob.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text).temperature);

let markers = 0;
/** Waits until everything the service queued so far has reached the observer (an event queued after it has). */
async function settled(rig: Rig, ob: Observer): Promise<void> {
  const text = String((markers += 1));
  rig.service.publish(`${BASE}/marker`, text);
  await ob.until(() => ob.messages.some((m) => m.topic === `${BASE}/marker` && m.text === text), `marker ${text}`);
}

/** A rig on the manual clock, its connect's interval over, an observer with no message yet. */
async function quietRig(t: Parameters<typeof startRig>[0], stateIntervalMs?: number): Promise<{ rig: Rig; ob: Observer }> {
  const rig = await startRig(t, { manualTimers: true, ...(stateIntervalMs !== undefined ? { config: { stateIntervalMs } } : {}) });
  const ob = await rig.watch();
  await ob.until(() => ob.last(STATE), 'the retained state');
  rig.nodes.clock.advance(60_000);
  await settled(rig, ob);
  ob.messages.length = 0;
  return { rig, ob };
}

test('mqtt state interval: 50 readings of one node within 200 ms give two state messages, the first at once, the last values when the second ends', async (t) => {
  const rig = await startRig(t);
  const ob = await rig.watch();
  await ob.until(() => ob.last(STATE), 'the retained state');
  await sleep(1100); // the interval opened by the connect's publish of everything is over
  ob.messages.length = 0;
  const started = performance.now();
  for (let i = 1; i <= 50; i += 1) {
    rig.nodes.hear(SENSOR, [record('temperature', 2000 + i)]);
    await sleep(4);
  }
  const heardMs = performance.now() - started;
  await ob.until(() => temperatures(ob).length >= 2, 'the second state');
  const secondMs = performance.now() - started;
  t.log(`50 readings in ${heardMs.toFixed(0)} ms; the second state after ${secondMs.toFixed(0)} ms`);
  t.true(secondMs >= 950, `${secondMs} ms`);
  await sleep(1100); // the next interval ends with nothing new in it
  await settled(rig, ob);
  t.deepEqual(temperatures(ob), [20.01, 20.5]);
});

test('mqtt state interval: a single reading after a quiet interval is published at once', async (t) => {
  const { rig, ob } = await quietRig(t);
  rig.nodes.hear(SENSOR, [record('temperature', 1850)]);
  await ob.until(() => temperatures(ob).length === 1, 'the state, no clock moved');
  rig.nodes.clock.advance(60_000);
  rig.nodes.hear(SENSOR, [record('temperature', 1860)]);
  await ob.until(() => temperatures(ob).length === 2, 'the next minute\'s state, at once');
  t.deepEqual(temperatures(ob), [18.5, 18.6]);
});

test('mqtt state interval: node and channel state within the interval wait for its end, command statuses do not', async (t) => {
  const { rig, ob } = await quietRig(t);
  const channel = `${BASE}/${SOCKET}/1/state`;
  const powers = (): unknown[] => ob.messages.filter((m) => m.topic === channel).map((m) => JSON.parse(m.text).power);
  for (const power of [100, 200, 300]) {
    rig.nodes.hear(SOCKET, [record('channel', 1), record('power', power)]);
    await settled(rig, ob);
  }
  const at = rig.nodes.clock.now;
  const view: CommandView = {
    id: 7, mac: SOCKET, room: 'Office', channel: 1, action: { type: 'relay', channel: 1, state: 'on' }, requested: { type: 'relay', channel: 1, state: 'on' },
    source: 'api', status: 'accepted', createdMs: at, updatedMs: at, history: [],
  };
  rig.nodes.bus.emit('commandChanged', view);
  rig.nodes.bus.emit('commandChanged', { ...view, status: 'sent' });
  await ob.until(() => ob.messages.filter((m) => m.topic === `${BASE}/commands/7`).length === 2, 'both statuses, no clock moved');
  t.deepEqual(powers(), [10]);
  t.is(ob.messages.filter((m) => m.topic === `${BASE}/${SOCKET}/state`).length, 1);
  rig.nodes.clock.advance(1000);
  await settled(rig, ob);
  t.deepEqual(powers(), [10, 30]);
  t.is(ob.messages.filter((m) => m.topic === `${BASE}/${SOCKET}/state`).length, 2);
});

test('mqtt state interval: 0 publishes the state of every reading, as before the interval', async (t) => {
  const { rig, ob } = await quietRig(t, 0);
  for (let i = 1; i <= 5; i += 1) {
    rig.nodes.hear(SENSOR, [record('temperature', 2000 + i)]);
    await ob.until(() => temperatures(ob).length === i, `state ${i}`);
  }
  t.deepEqual(temperatures(ob), [20.01, 20.02, 20.03, 20.04, 20.05]);
  t.is(rig.nodes.clock.waiting, 1, 'only the availability check waits on the clock');
});

test('mqtt state interval: stop() publishes the latest state still waiting for its interval, then offline', async (t) => {
  const { rig, ob } = await quietRig(t);
  rig.nodes.hear(SENSOR, [record('temperature', 2001)]);
  await ob.until(() => temperatures(ob).length === 1, 'the first state');
  for (let i = 2; i <= 10; i += 1) rig.nodes.hear(SENSOR, [record('temperature', 2000 + i)]);
  await rig.service.stop();
  await ob.until(() => ob.last(`${BASE}/bridge/state`)?.text === 'offline', 'offline');
  t.deepEqual(temperatures(ob), [20.01, 20.1]);
  const order = ob.messages.map((m) => m.topic);
  t.true(order.lastIndexOf(STATE) < order.lastIndexOf(`${BASE}/bridge/state`));
});
