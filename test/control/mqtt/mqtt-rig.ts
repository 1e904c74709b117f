import { EventBus } from '../../../src/bus/event-bus.ts';
import { CommandRefusedError, type CommandQueueApi, type CommandRequest, type CommandSource, type CommandView } from '../../../src/commands/types.ts';
import { silentLogger, type Logger } from '../../../src/log.ts';
import { NodeRegistry } from '../../../src/nodes/registry.ts';
import { NodeStore } from '../../../src/nodes/node-store.ts';
import { CAPABILITY_BITS, decodeMessage, encodeMessage, KIND, record, type RecordDraft } from '../../../src/protocol/index.ts';
import { ManualClock } from '../../commands/manual-clock.ts';

/** A battery sensor in the kitchen (BME280 + BH1750), reporting every 60 s. */
export const SENSOR = 'a2b2c2d2e2f4';
/** A listening power socket in the office: channel 1 on with a meter, channel 2 off. */
export const SOCKET = 'a2b2c2d2e2f3';
/** A node nobody named, no HELLO heard. */
export const STRANGER = 'a2b2c2d2e2f9';

/** The real read model on a manual clock, fed like the pipeline feeds it. */
export interface NodesRig {
  clock: ManualClock;
  bus: EventBus;
  registry: NodeRegistry;
  nodes: NodeStore;
  /** Accepts a message as the pipeline does: registry, then `reading` and `nodeChanged` on the bus. */
  hear(mac: string, records: RecordDraft[], kind?: number, rssi?: number): void;
}


/** A registry and NodeStore with the sensor and the socket heard just now (no stranger). */
export function nodesRig(log: Logger = silentLogger): NodesRig {
  const clock = new ManualClock();
  const bus = new EventBus(log);
  const registry = new NodeRegistry({ rooms: new Map([[SOCKET, 'Office'], [SENSOR, 'Kitchen']]), log });
  const nodes = new NodeStore({ registry, bus, now: () => clock.now });
  nodes.start();
  const seqs = new Map<string, number>();
  const hear = (mac: string, records: RecordDraft[], kind: number = KIND.REPORT, rssi = -61): void => {
    const seq = seqs.get(mac) ?? 0;
    seqs.set(mac, seq + 1);
    const message = decodeMessage(encodeMessage({ kind, boot: 1, seq, records }));
    const acceptance = registry.accept(mac, rssi, message, clock.now);
    if (acceptance.duplicate) return;
    const { view } = acceptance;
    bus.emit('reading', { mac, room: acceptance.room, kind: view.kind, atMs: clock.now, rssi, values: view.values, channels: view.channels });
    bus.emit('nodeChanged', { mac });
  };
  hear(SENSOR, [record('firmware', 'node-1.0.0'), record('capabilities', CAPABILITY_BITS.ENVIRONMENT | CAPABILITY_BITS.LIGHT | CAPABILITY_BITS.BATTERY), record('interval', 60)], KIND.HELLO);
  hear(SENSOR, [record('temperature', 2150), record('humidity', 4820), record('pressure', 101325), record('illuminance', 12000), record('battery', 3910)]);
  hear(SOCKET, [record('firmware', 'socket-1.0.0'), record('capabilities', CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING | CAPABILITY_BITS.POWER_METER), record('interval', 30)], KIND.HELLO, -48);
  hear(SOCKET, [record('channel', 1), record('relay', 1), record('voltage', 23010), record('current', 1087), record('power', 2500), record('energy', 1234), record('channel', 2), record('relay', 0)], KIND.REPORT, -48);
  return { clock, bus, registry, nodes, hear };
}

/** One submit the fake queue saw. */
export interface Submitted {
  mac: string;
  request: CommandRequest;
  source: CommandSource;
}

/**
 * A recording command queue: every submit is kept and answered `accepted`
 * (and announced on the bus, as the real queue's onChange does), or refused
 * with `refuse` when set.
 */
export class RecordingCommands implements CommandQueueApi {
  readonly submitted: Submitted[] = [];
  refuse: CommandRefusedError | undefined;
  private nextId = 1;
  private readonly bus: EventBus;
  private readonly now: () => number;

  constructor(bus: EventBus, now: () => number) {
    this.bus = bus;
    this.now = now;
  }

  submit(mac: string, request: CommandRequest, source: CommandSource): CommandView {
    this.submitted.push({ mac, request, source });
    if (this.refuse) throw this.refuse;
    const channel = 'channel' in request ? request.channel : undefined;
    const action = request.type === 'relay' ? { ...request, state: request.state === 'toggle' ? 'on' as const : request.state } : request;
    const at = this.now();
    const view: CommandView = {
      id: this.nextId++, mac, room: 'Office', ...(channel !== undefined ? { channel } : {}), action, requested: request, source,
      status: 'accepted', createdMs: at, updatedMs: at, history: [{ status: 'accepted', atMs: at }],
    };
    this.bus.emit('commandChanged', view);
    return view;
  }

  get(): CommandView | undefined { return undefined; }
  list(): CommandView[] { return []; }
  async waitFinal(): Promise<CommandView | undefined> { return undefined; }
}

/** A refusal as the real queue throws it. */
export const refused = (code: ConstructorParameters<typeof CommandRefusedError>[0], message: string): CommandRefusedError => new CommandRefusedError(code, message);
