import { Writable } from 'node:stream';
import { EventBus } from '../../../src/bus/event-bus.ts';
import type { ReadingEvent } from '../../../src/bus/events.ts';
import { CommandRefusedError, type CommandQueueApi, type CommandRequest, type CommandSource, type CommandView } from '../../../src/commands/types.ts';
import { AlertsService, type AlertsConfig, type AlertsServiceDeps } from '../../../src/control/alerts/index.ts';
import { createLogger } from '../../../src/log.ts';
import type { NodeView } from '../../../src/nodes/node-store.ts';
import { recordingTimers } from './webhook-receiver.ts';

/** A command queue that records what it is asked; `refuse` makes it refuse as the real one does. */
export function recordingQueue(refuse?: CommandRefusedError): CommandQueueApi & { submitted: Array<{ mac: string; request: CommandRequest; source: CommandSource }> } {
  const submitted: Array<{ mac: string; request: CommandRequest; source: CommandSource }> = [];
  return {
    submitted,
    submit(mac, request, source) {
      if (refuse) throw refuse;
      submitted.push({ mac, request, source });
      return { id: submitted.length, mac, source, status: 'accepted' } as unknown as CommandView;
    },
    get: () => undefined,
    list: () => [],
    waitFinal: async () => undefined,
  };
}

/** A node as the read model shows it, healthy unless `health` says otherwise. */
export function nodeView(mac: string, room: string, more: Partial<NodeView> = {}): NodeView {
  return {
    mac, room, capabilityNames: [], firstSeenMs: 0, lastSeenMs: 0, latest: {}, channels: [],
    counters: { messages: 0, duplicates: 0, lost: 0 }, health: { silent: false, batteryLow: false, tripped: false }, ...more,
  } as NodeView;
}

/** A REPORT on the bus from a power meter with one channel. */
export const powerReading = (mac: string, room: string, channel: number, power: number, atMs: number): ReadingEvent => ({
  mac, room, kind: 'REPORT', atMs, values: {}, channels: [{ channel, power, relay: true }],
});

/** The service on a real bus, with an injected clock and evaluation timer, a recording queue and MQTT, and log lines kept. */
export function alertsRig(config: AlertsConfig, more: Partial<AlertsServiceDeps> = {}) {
  let nowMs = Date.UTC(2026, 11, 2, 8, 0, 0);
  const lines: Array<{ level: number; msg: string; code?: string }> = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString('utf8'))); done(); } }),
  });
  const bus = new EventBus(log);
  const published: Array<[string, unknown]> = [];
  let tick: (() => void) | undefined;
  let nodes: NodeView[] = [];
  const commands = recordingQueue();
  const service = new AlertsService({
    config, gateway: 'pi', bus, log, commands, nodes: { list: () => nodes }, now: () => nowMs,
    publish: (topic, payload) => published.push([topic, JSON.parse(payload)]), baseTopic: 'house',
    timers: { setInterval: (fn) => { tick = fn; return 1; }, clearInterval: () => { tick = undefined; } },
    webhookTimers: recordingTimers(),
    ...more,
  });
  return {
    service, bus, published, commands, lines,
    get now() { return nowMs; },
    setNodes(list: NodeView[]) { nodes = list; },
    /** Moves the clock to `ms` after the start and runs the evaluation timer. */
    at(ms: number) {
      nowMs = Date.UTC(2026, 11, 2, 8, 0, 0) + ms;
      tick?.();
    },
    /** Moves the clock without evaluating. */
    clock(ms: number) { nowMs = Date.UTC(2026, 11, 2, 8, 0, 0) + ms; },
    messages: (level: number) => lines.filter((l) => l.level === level).map((l) => l.msg),
  };
}
