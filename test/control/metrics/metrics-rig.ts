import { EventBus } from '../../../src/bus/event-bus.ts';
import type { CommandStatus, CommandView } from '../../../src/commands/types.ts';
import { MetricsService } from '../../../src/control/metrics/metrics-service.ts';
import type { GatewayCounters, SinkMetrics, UdpMeterCounters } from '../../../src/control/metrics/metrics-snapshot.ts';
import { silentLogger } from '../../../src/log.ts';
import { NodeRegistry } from '../../../src/nodes/registry.ts';
import { NodeStore } from '../../../src/nodes/node-store.ts';
import { decodeMessage, encodeMessage, KIND, record, type RecordDraft } from '../../../src/protocol/index.ts';

/** The garage power meter of docs/protocol.md section 3 (two channels). */
export const METER = 'a2b2c2d2e2f2';
/** An environment sensor with a battery. */
export const SENSOR = 'a2b2c2d2e2f1';
/** Wall time the rig starts at, ms (2023-11-14T22:13:20Z). */
export const T0 = 1_700_000_000_000;

/** A radio message as the broker would hand it over: encoded, then decoded. */
export const radio = (seq: number, records: RecordDraft[], kind: number = KIND.REPORT, boot = 1) => decodeMessage(encodeMessage({ kind, boot, seq, records }));

/** The real bus, registry and read model with two nodes heard, and a {@link MetricsService} over them. */
export interface MetricsRig {
  bus: EventBus;
  registry: NodeRegistry;
  nodes: NodeStore;
  metrics: MetricsService;
  clock: { now: number };
  counters: GatewayCounters;
  sink: SinkMetrics;
  /** Commands the fake queue lists as open. */
  open: CommandView[];
  udp: { counters?: UdpMeterCounters };
  stop(): void;
}

/** A command view in `status` (only the fields the exporter reads matter). */
export const commandIn = (id: number, status: CommandStatus): CommandView => ({
  id, mac: METER, room: 'Garage', channel: 1, action: { type: 'relay', channel: 1, state: 'on' }, requested: { type: 'relay', channel: 1, state: 'on' },
  source: 'api', status, createdMs: T0, updatedMs: T0, history: [{ status, atMs: T0 }],
});

/** Builds and starts the rig: the meter (seq 1 and 3 of boot 1, so one lost, plus a duplicate) and the sensor (its HELLO and one REPORT). */
export function startMetricsRig(): MetricsRig {
  const clock = { now: T0 };
  const bus = new EventBus(silentLogger);
  const registry = new NodeRegistry({ rooms: new Map([[METER, 'Garage'], [SENSOR, 'Hall "north"']]), log: silentLogger });
  const nodes = new NodeStore({ registry, bus, now: () => clock.now });
  nodes.start();
  const meterRecords = (energy: number): RecordDraft[] => [
    record('channel', 1), record('voltage', 23012), record('current', -1234), record('power', 28315), record('energy', energy), record('relay', 1),
    record('channel', 2), record('voltage', 22950), record('relay', 0),
  ];
  registry.accept(METER, -67, radio(1, meterRecords(123_400)), T0 - 60_000);
  registry.accept(METER, -67, radio(3, meterRecords(123_456)), T0 - 2_000);
  registry.accept(METER, -67, radio(3, meterRecords(123_456)), T0 - 1_900);
  registry.accept(SENSOR, -80, radio(0, [record('firmware', 'node-2.1'), record('interval', 300)], KIND.HELLO), T0 - 10_000);
  registry.accept(SENSOR, -72, radio(1, [
    record('temperature', 2153), record('humidity', 4012), record('pressure', 101327), record('illuminance', 34567), record('battery', 3912),
  ]), T0 - 5_000);
  const counters: GatewayCounters = { frames: 120, consoleLines: 7, badFrames: 2, badMessages: 1, messages: 4, duplicates: 1, lost: 1, points: 11, brokerBoots: 1, heartbeats: 30 };
  const sink: SinkMetrics = { reachable: false, backlogPoints: 42, backlogBytes: 3900, writeErrors: 5 };
  const open: CommandView[] = [];
  const udp: { counters?: UdpMeterCounters } = {};
  const metrics = new MetricsService({
    bus, nodes, commands: { list: (filter) => open.filter((c) => filter?.open !== true || ['accepted', 'queued', 'sent', 'delivered'].includes(c.status)) },
    counters: () => counters, sink: () => sink, now: () => clock.now,
    udpMeters: () => udp.counters ?? { datagrams: 0, invalid: { too_large: 0, decode: 0, mac: 0, range: 0 } },
  });
  metrics.start();
  return {
    bus, registry, nodes, metrics, clock, counters, sink, open, udp,
    stop: () => {
      metrics.stop();
      nodes.stop();
    },
  };
}
