import type { EventBus } from '../bus/event-bus.ts';
import type { CommandNodeInfo, CommandStatus, CommandView } from '../commands/types.ts';
import { FINAL_STATUSES } from '../commands/types.ts';
import { CAPABILITY_BITS, formatMac, normalizeMac } from '../protocol/index.ts';
import { nodeHealth, type HealthOptions, type NodeHealth } from './health.ts';
import type { ChannelState, NodeState } from './node-state.ts';
import type { NodeRegistry } from './registry.ts';

/** The command still open for a channel, as the page shows it ("pending" until the node confirms). */
export interface PendingCommand {
  readonly id: number;
  readonly status: CommandStatus;
  /** For a relay command: the state asked for. */
  readonly state?: 'on' | 'off';
}

/** One channel as the API shows it: what the node reported, plus the command still open for it. */
export interface ChannelView extends Readonly<ChannelState> {
  readonly pendingCommand?: PendingCommand;
}

/** One node as the API, the page, MQTT and metrics show it: a snapshot in display units. */
export interface NodeView {
  /** `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  readonly room: string;
  readonly firmware?: string;
  /** Capability bits of the last HELLO, and their names (`relay`, `listening`, ...). */
  readonly capabilities?: number;
  readonly capabilityNames: readonly string[];
  /** Report interval, s. */
  readonly intervalS?: number;
  /** ms since the epoch. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** dBm */ readonly rssi?: number;
  /** V */ readonly batteryV?: number;
  readonly status?: number;
  readonly latest: NodeState['latest'];
  readonly counters: NodeState['counters'];
  readonly health: NodeHealth;
  /** By channel number, ascending. */
  readonly channels: readonly ChannelView[];
}

/** Options of {@link NodeStore}. */
export interface NodeStoreOptions {
  registry: NodeRegistry;
  bus: EventBus;
  /** Wall clock, ms since the epoch (health is judged against it). */
  now: () => number;
  health?: HealthOptions;
}

const CAPABILITY_NAMES = Object.entries(CAPABILITY_BITS).map(([name, bit]) => [name.toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase()), bit] as const);
const key = (mac: string, channel: number | undefined): string => `${mac}/${channel ?? ''}`;

/**
 * The read model of the nodes: what the registry (the writer) knows, with
 * health decided once (src/nodes/health.ts) and the command still open per
 * channel (followed on the bus). Every output reads nodes here.
 */
export class NodeStore {
  private readonly o: NodeStoreOptions;
  private readonly pending = new Map<string, PendingCommand>();
  private unsubscribe: (() => void) | undefined;

  constructor(options: NodeStoreOptions) {
    this.o = options;
  }

  /** Follows command statuses on the bus. */
  start(): void {
    this.unsubscribe = this.o.bus.on('commandChanged', (command) => this.onCommand(command));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Every node heard, in order of first contact. */
  list(): NodeView[] {
    const nowMs = this.o.now();
    return this.o.registry.states().map((s) => this.view(s, nowMs));
  }

  /** One node by MAC in any spelling the config accepts; undefined when never heard (or the MAC is malformed). */
  get(mac: string): NodeView | undefined {
    const state = this.state(mac);
    return state && this.view(state, this.o.now());
  }

  /** The node's live state (for services that need the raw numbers). */
  state(mac: string): NodeState | undefined {
    try {
      return this.o.registry.get(normalizeMac(mac));
    } catch {
      return undefined;
    }
  }

  /** What the command queue needs to know of a node. */
  commandInfo(mac: string): CommandNodeInfo | undefined {
    const state = this.state(mac);
    if (!state) return undefined;
    return {
      room: state.room,
      capabilities: state.capabilities,
      channels: Object.keys(state.channels).map(Number),
      relay: (channel) => state.channels[channel]?.relay,
    };
  }

  private view(state: NodeState, nowMs: number): NodeView {
    const channels = Object.values(state.channels)
      .sort((a, b) => a.channel - b.channel)
      .map((c) => {
        const pending = this.pending.get(key(state.mac, c.channel));
        return pending ? { ...c, pendingCommand: pending } : { ...c };
      });
    return {
      mac: formatMac(state.mac), room: state.room, firmware: state.firmware,
      capabilities: state.capabilities,
      capabilityNames: CAPABILITY_NAMES.filter(([, bit]) => ((state.capabilities ?? 0) & bit) !== 0).map(([name]) => name),
      intervalS: state.intervalS, firstSeenMs: state.firstSeenMs, lastSeenMs: state.lastSeenMs,
      rssi: state.rssi, batteryV: state.batteryV, status: state.status,
      latest: { ...state.latest }, counters: { ...state.counters },
      health: nodeHealth(state, nowMs, this.o.health),
      channels,
    };
  }

  private onCommand(command: CommandView): void {
    const k = key(command.mac, command.channel);
    const held = this.pending.get(k);
    if (FINAL_STATUSES.has(command.status)) {
      if (held?.id !== command.id) return;
      this.pending.delete(k);
    } else {
      const state = command.action.type === 'relay' ? command.action.state : undefined;
      this.pending.set(k, { id: command.id, status: command.status, ...(state ? { state } : {}) });
    }
    this.o.bus.emit('nodeChanged', { mac: command.mac });
  }
}
