import { createSocket, type Socket } from 'node:dgram';
import test from 'ava';
import { MetricsService } from '../../../src/control/metrics/metrics-service.ts';
import type { MeterMessage } from '../../../src/control/udp-meters/meter-message.ts';
import { encodeReport, type PowerMeterReport } from '../../../src/control/udp-meters/power-meter-schema.ts';
import { UdpMeterListener } from '../../../src/control/udp-meters/udp-meter-listener.ts';
import { EventBus } from '../../../src/bus/event-bus.ts';
import { NodeRegistry } from '../../../src/nodes/registry.ts';
import { NodeStore } from '../../../src/nodes/node-store.ts';
import { silentLogger } from '../../../src/log.ts';
import { LEVEL, recordingLog } from '../../helpers/recording-log.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const MAC = Buffer.from('a2b2c2d2e2f7', 'hex');
const report = (seq: number, over: Partial<PowerMeterReport> = {}): PowerMeterReport => ({
  mac: MAC, boot: 1, seq, channels: [{ channel: 1, voltageV: 231.5, currentA: 0.5, powerW: 115.7, energyWh: 4_200, relay: true }], ...over,
});

/** A listener on 127.0.0.1 (free port) and a client socket sending to it. */
async function rig(deliver: (m: MeterMessage) => void, log = silentLogger) {
  const listener = new UdpMeterListener({ host: '127.0.0.1', port: 0, deliver, log, maxDatagramBytes: 512 });
  await listener.start();
  const client: Socket = createSocket('udp4');
  const send = (bytes: Uint8Array) => new Promise<void>((resolve, reject) => client.send(bytes, listener.port!, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  return {
    listener, send,
    close: async () => {
      client.close();
      await listener.stop();
    },
  };
}

test('a valid datagram is delivered as the meter\'s REPORT; bad ones are counted by reason and the listener keeps going', async (t) => {
  const delivered: MeterMessage[] = [];
  const rec = recordingLog();
  const r = await rig((m) => delivered.push(m), rec.log);
  t.teardown(r.close);
  await r.send(encodeReport(report(1)));
  await r.send(Buffer.from('this is not protobuf \xff\xff\xff\xff'));
  await r.send(Buffer.alloc(600, 0x08));
  await r.send(encodeReport(report(2, { mac: MAC.subarray(0, 4) })));
  await r.send(encodeReport(report(3, { channels: [{ channel: 1, voltageV: 1000 }] })));
  await r.send(encodeReport(report(4)));
  await waitFor(() => r.listener.counters().datagrams === 6, 5000, 'six datagrams');
  await waitFor(() => delivered.length === 2, 5000, 'two delivered');
  t.deepEqual(r.listener.counters(), { datagrams: 6, invalid: { too_large: 1, decode: 1, mac: 1, range: 1 } });
  t.deepEqual(delivered.map((m) => [m.mac, m.message.seq]), [['a2b2c2d2e2f7', 1], ['a2b2c2d2e2f7', 4]]);
  const warnings = rec.find('bad UDP meter datagram', LEVEL.warn);
  t.is(warnings.length, 4);
  t.true(warnings.some((w) => String(w.msg).includes('channels[0].voltage_v: 1000 V is outside 0..655.35 V') && w.code === 'UDP_METER_RANGE' && String(w.from).startsWith('127.0.0.1:')));
});

test('a hook that throws is logged and the next datagram still arrives', async (t) => {
  const rec = recordingLog();
  let calls = 0;
  const r = await rig(() => {
    calls += 1;
    if (calls === 1) throw new Error('registry said no');
  }, rec.log);
  t.teardown(r.close);
  await r.send(encodeReport(report(1)));
  await r.send(encodeReport(report(2)));
  await waitFor(() => calls === 2, 5000, 'both delivered');
  t.is(rec.find('could not be taken in', LEVEL.error).length, 1);
});

test('a port already taken is refused naming udpMeters.listen', async (t) => {
  const first = new UdpMeterListener({ host: '127.0.0.1', port: 0, deliver: () => undefined, log: silentLogger });
  await first.start();
  t.teardown(() => first.stop());
  const second = new UdpMeterListener({ host: '127.0.0.1', port: first.port!, deliver: () => undefined, log: silentLogger });
  const error = await t.throwsAsync(second.start());
  t.is((error as { code?: string }).code, 'UDP_METERS_LISTEN');
  t.regex(error!.message, /^udpMeters\.listen: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE$/);
});

test('end to end: a meter on UDP appears in the read model and in /metrics like a radio node (duplicates dropped by boot/seq)', async (t) => {
  const bus = new EventBus(silentLogger);
  const registry = new NodeRegistry({ rooms: new Map([['a2b2c2d2e2f7', 'Workshop']]), log: silentLogger });
  const nodes = new NodeStore({ registry, bus, now: () => Date.now() });
  nodes.start();
  // What the lead's hook does with a MeterMessage: the pipeline's path after decodeMessage.
  const deliver = (m: MeterMessage) => { registry.accept(m.mac, m.rssi, m.message, Date.now()); };
  const r = await rig(deliver);
  const metrics = new MetricsService({
    bus, nodes, commands: { list: () => [] }, now: () => Date.now(), udpMeters: () => r.listener.counters(),
    counters: () => ({ frames: 0, consoleLines: 0, badFrames: 0, badMessages: 0, messages: 0, duplicates: 0, lost: 0, points: 0, brokerBoots: 0, heartbeats: 0 }),
    sink: () => ({ reachable: true, backlogPoints: 0 }),
  });
  metrics.start();
  t.teardown(async () => {
    metrics.stop();
    nodes.stop();
    await r.close();
  });
  await r.send(encodeReport(report(1, { rssiDbm: -61 })));
  await r.send(encodeReport(report(1, { rssiDbm: -61 })));
  await r.send(Buffer.from([0xff]));
  await waitFor(() => r.listener.counters().datagrams === 3, 5000, 'three datagrams');
  const node = nodes.get('a2:b2:c2:d2:e2:f7');
  t.is(node?.room, 'Workshop');
  t.deepEqual(node?.counters, { messages: 1, duplicates: 1, lost: 0 });
  t.like(node?.channels[0], { channel: 1, voltage: 231.5, current: 0.5, power: 115.7, energy: 4_200, relay: true });
  const text = await metrics.render();
  t.true(text.includes('espnow_channel_power_watts{node="a2:b2:c2:d2:e2:f7",room="Workshop",channel="1"} 115.7'));
  t.true(text.includes('espnow_channel_energy_joules_total{node="a2:b2:c2:d2:e2:f7",room="Workshop",channel="1"} 15120000'));
  t.true(text.includes('espnow_node_rssi_dbm{node="a2:b2:c2:d2:e2:f7",room="Workshop"} -61'));
  t.true(text.includes('espnow_udp_datagrams_total 3'));
  t.true(text.includes('espnow_udp_datagrams_invalid_total{reason="decode"} 1'));
});
