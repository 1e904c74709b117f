import test from 'ava';
import { CommandRefusedError } from '../../../src/commands/types.ts';
import type { AlertRule, AlertsConfig } from '../../../src/control/alerts/index.ts';
import { alertsRig, nodeView, powerReading, recordingQueue } from './alerts-rig.ts';
import { startReceiver } from './webhook-receiver.ts';

const MIN = 60_000;
const METER = 'aabbccddee01';
const heater: AlertRule = {
  name: 'heater', forMs: 5 * MIN, notify: ['log', 'mqtt', 'webhook', 'panel'],
  condition: { kind: 'field', measurement: 'power', field: 'power', nodes: { room: 'kitchen' }, above: 2000 },
  action: { relay: { state: 'off' } },
};
const START = '2026-12-02T08:00:00.000Z';
const iso = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

test('alerts service: power above 2000 W for 5 min fires (webhook, MQTT, log, panel, relay off with source rule) and resolves', async (t) => {
  const receiver = await startReceiver();
  const config: AlertsConfig = { rules: [heater], webhook: { url: receiver.url, maxAttempts: 3, queueSize: 10, timeoutMs: 2000 } };
  const rig = alertsRig(config);
  rig.service.start();
  try {
    rig.bus.emit('reading', powerReading(METER, 'kitchen', 1, 2500, rig.now));
    rig.bus.emit('reading', powerReading('aabbccddee02', 'hall', 1, 3000, rig.now));
    t.like(rig.service.alerts(), [{ state: 'pending', labels: { node: 'aa:bb:cc:dd:ee:01', room: 'kitchen', channel: '1' } }]);
    rig.at(4 * MIN);
    t.deepEqual(rig.service.activeAlerts(), []);
    t.deepEqual(rig.commands.submitted, []);
    rig.at(5 * MIN);
    const labels = { node: 'aa:bb:cc:dd:ee:01', room: 'kitchen', channel: '1' };
    t.deepEqual(rig.service.activeAlerts(), [{ name: 'heater', labels, firedMs: Date.parse(iso(5 * MIN)), value: 2500 }]);
    t.deepEqual(rig.commands.submitted, [{ mac: METER, request: { type: 'relay', channel: 1, state: 'off' }, source: 'rule' }]);
    const firing = { name: 'heater', state: 'firing', labels, value: 2500, since: iso(5 * MIN), activeSince: iso(0), gateway: 'pi' };
    t.deepEqual(rig.published, [['house/alerts', firing]]);
    t.deepEqual(rig.messages(40), ['alert heater firing']);
    rig.clock(6 * MIN);
    rig.bus.emit('reading', powerReading(METER, 'kitchen', 1, 0, rig.now));
    t.deepEqual(rig.service.activeAlerts(), []);
    const resolved = { ...firing, state: 'resolved', value: 0, since: iso(6 * MIN) };
    t.deepEqual(rig.published[1], ['house/alerts', resolved]);
    t.true(rig.messages(30).includes('alert heater resolved'));
    await receiver.received(2);
    t.deepEqual(receiver.bodies, [firing, resolved]);
    t.is(rig.commands.submitted.length, 1);
  } finally {
    rig.service.stop();
    await receiver.close();
  }
});

test('alerts service: a refused relay action is logged with its code and the alert still fires', (t) => {
  const commands = recordingQueue(new CommandRefusedError('BROKER_SILENT', 'no HB from the broker for 30 s'));
  const rig = alertsRig({ rules: [{ ...heater, forMs: 0, notify: ['panel'] }] }, { commands });
  rig.service.start();
  rig.bus.emit('reading', powerReading(METER, 'kitchen', 1, 2500, rig.now));
  t.is(rig.service.activeAlerts().length, 1);
  t.like(rig.lines.find((l) => l.level === 40), { msg: 'alert heater: relay off refused: no HB from the broker for 30 s', code: 'BROKER_SILENT' });
  t.deepEqual(rig.published, []);
  rig.service.stop();
});

test('alerts service: silent nodes are noticed by the timer alone; the panel marks only rules that notify it, oldest first', (t) => {
  const rules: AlertRule[] = [
    { name: 'gone', forMs: MIN, notify: ['panel'], condition: { kind: 'health', nodes: {}, health: 'silent' } },
    { name: 'gone-quiet', forMs: 0, notify: ['log'], condition: { kind: 'health', nodes: {}, health: 'silent' } },
    { name: 'tripped', forMs: 0, notify: ['panel'], condition: { kind: 'health', nodes: { room: 'hall' }, health: 'tripped' } },
  ];
  const rig = alertsRig({ rules });
  rig.service.start();
  const silent = { silent: true, batteryLow: false, tripped: false };
  rig.setNodes([nodeView('aa:bb:cc:dd:ee:01', 'kitchen', { health: silent }), nodeView('aa:bb:cc:dd:ee:02', 'hall')]);
  rig.at(0);
  t.deepEqual(rig.service.activeAlerts(), []);
  rig.setNodes([nodeView('aa:bb:cc:dd:ee:01', 'kitchen', { health: silent }), nodeView('aa:bb:cc:dd:ee:02', 'hall', { health: { ...silent, silent: false, tripped: true } })]);
  rig.bus.emit('nodeChanged', { mac: 'aabbccddee02' });
  rig.at(MIN);
  t.deepEqual(rig.service.activeAlerts().map((a) => `${a.name} ${a.labels.room}`), ['tripped hall', 'gone kitchen']);
  t.is(rig.service.alerts().filter((a) => a.rule === 'gone-quiet' && a.state === 'firing').length, 1);
  rig.setNodes([nodeView('aa:bb:cc:dd:ee:01', 'kitchen'), nodeView('aa:bb:cc:dd:ee:02', 'hall')]);
  rig.at(2 * MIN);
  t.deepEqual(rig.service.activeAlerts(), []);
  rig.service.stop();
});

test('alerts service: a lost share above 0.1 fires per node', (t) => {
  const rig = alertsRig({ rules: [{ name: 'lossy', forMs: 0, notify: ['panel'], condition: { kind: 'lostShare', nodes: {}, above: 0.1 } }] });
  rig.service.start();
  rig.setNodes([
    nodeView('aa:bb:cc:dd:ee:01', 'kitchen', { counters: { messages: 80, duplicates: 0, lost: 20 } }),
    nodeView('aa:bb:cc:dd:ee:02', 'hall', { counters: { messages: 95, duplicates: 3, lost: 5 } }),
  ]);
  rig.at(0);
  t.deepEqual(rig.service.activeAlerts().map((a) => [a.labels.room, a.value]), [['kitchen', 0.2]]);
  rig.service.stop();
});

test('alerts service: gateway conditions: InfluxDB unreachable for 10 min, spool above 80 %, broker silent for 1 min', (t) => {
  let spool = 50;
  const rules: AlertRule[] = [
    { name: 'influx', forMs: 10 * MIN, notify: ['panel'], condition: { kind: 'gateway', gateway: 'influxUnreachable' } },
    { name: 'spool', forMs: 0, notify: ['panel'], condition: { kind: 'gateway', gateway: 'spoolAbove', above: 80 } },
    { name: 'broker', forMs: 0, notify: ['panel'], condition: { kind: 'gateway', gateway: 'brokerSilent', afterMs: MIN } },
  ];
  const rig = alertsRig({ rules }, { spoolPercent: () => spool });
  const names = () => rig.service.activeAlerts().map((a) => a.name);
  rig.service.start();
  rig.bus.emit('sinkStatus', { reachable: false, backlogPoints: 10 });
  rig.clock(30_000);
  rig.bus.emit('broker', { type: 'hb', atMs: rig.now, uptimeS: 30, queued: 0 });
  rig.at(9 * MIN);
  t.deepEqual(names(), ['broker']);
  rig.bus.emit('broker', { type: 'hb', atMs: rig.now, uptimeS: 540, queued: 0 });
  spool = 85;
  rig.at(10 * MIN);
  t.deepEqual(names(), ['influx', 'spool']);
  t.like(rig.service.activeAlerts()[0], { labels: { gateway: 'pi' }, value: 600 });
  rig.bus.emit('sinkStatus', { reachable: true, backlogPoints: 0 });
  t.deepEqual(names(), ['spool']);
  rig.service.stop();
});

test('alerts service: stop() unsubscribes and stops the timer', (t) => {
  const rig = alertsRig({ rules: [{ ...heater, forMs: 0, notify: ['panel'], action: undefined }] });
  rig.service.start();
  t.is(rig.bus.count('reading'), 1);
  rig.service.stop();
  t.is(rig.bus.count('reading'), 0);
  rig.bus.emit('reading', powerReading(METER, 'kitchen', 1, 2500, rig.now));
  t.deepEqual(rig.service.activeAlerts(), []);
});
