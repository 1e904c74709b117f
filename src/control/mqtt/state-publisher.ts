import type { CommandView } from '../../commands/types.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import { bridgeDiscovery, nodeDiscovery, type DiscoveryContext } from './discovery.ts';
import type { OutgoingQueue } from './outgoing-queue.ts';
import { channelStatePayload, commandStatusPayload, nodeAvailability, nodeStatePayload, type RefusalPayload } from './state-payloads.ts';
import type { MqttTopics } from './topics.ts';

/** What {@link StatePublisher} reads and writes to. */
export interface StatePublisherOptions {
  readonly topics: MqttTopics;
  readonly nodes: { list(): NodeView[]; get(mac: string): NodeView | undefined };
  readonly queue: OutgoingQueue;
  /** Home Assistant discovery; absent = off. */
  readonly discovery?: DiscoveryContext;
}

/** What a node's discovery messages depend on: room, firmware, and which values it has (never the values). */
function discoveryShape(node: NodeView): string {
  const has = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).join(',');
  return JSON.stringify([node.room, node.firmware, node.intervalS !== undefined, node.batteryV !== undefined, node.rssi !== undefined, has(node.latest),
    node.channels.map((c) => `${c.channel}:${has({ v: c.voltage, a: c.current, w: c.power, e: c.energy, r: c.relay })}`)]);
}

const wire = (mac: string): string => mac.replace(/:/g, '').toLowerCase();

/**
 * Turns the node read model into queued MQTT messages: retained state on
 * every change, availability and discovery only when they differ from what
 * was last queued. No I/O: the service drains the queue while connected.
 */
export class StatePublisher {
  private readonly o: StatePublisherOptions;
  private readonly availability = new Map<string, string>();
  private readonly discovered = new Map<string, string>();
  private readonly shapes = new Map<string, string>();

  constructor(options: StatePublisherOptions) {
    this.o = options;
  }

  /** Everything, as after a (re)connect: bridge `online`, discovery, every node's state and availability. */
  all(): void {
    this.availability.clear();
    this.discovered.clear();
    this.shapes.clear();
    this.retained(this.o.topics.bridgeState, 'online');
    this.discoveryAll();
    for (const node of this.o.nodes.list()) this.node(node.mac);
  }

  /** Every discovery message again (Home Assistant said `online`). */
  discoveryAll(): void {
    const ctx = this.o.discovery;
    if (!ctx) return;
    this.discovered.clear();
    this.shapes.clear();
    for (const m of bridgeDiscovery(ctx)) this.retained(m.topic, JSON.stringify(m.payload));
    for (const node of this.o.nodes.list()) this.discoveryOf(node);
  }

  /** One node after a change: its state, its channels, and availability and discovery when they changed. */
  node(mac: string): void {
    const node = this.o.nodes.get(mac);
    if (!node) return;
    const id = wire(node.mac);
    this.retained(this.o.topics.nodeState(id), JSON.stringify(nodeStatePayload(node)));
    for (const channel of node.channels) this.retained(this.o.topics.channelState(id, channel.channel), JSON.stringify(channelStatePayload(channel)));
    this.availabilityOf(node);
    this.discoveryOf(node);
  }

  /** Availability of every node, queued where it changed (a node fell silent, or spoke again). */
  checkAvailability(): void {
    for (const node of this.o.nodes.list()) this.availabilityOf(node);
  }

  /** A command's status (not retained). */
  command(view: CommandView): void {
    this.o.queue.put({ topic: this.o.topics.command(view.id), payload: JSON.stringify(commandStatusPayload(view)), retain: false });
  }

  /** A set message that became no command (not retained). */
  refusal(payload: RefusalPayload): void {
    this.o.queue.put({ topic: this.o.topics.commandRefused, payload: JSON.stringify(payload), retain: false });
  }

  private availabilityOf(node: NodeView): void {
    const id = wire(node.mac);
    const value = nodeAvailability(node);
    if (this.availability.get(id) === value) return;
    this.availability.set(id, value);
    this.retained(this.o.topics.availability(id), value);
  }

  private discoveryOf(node: NodeView): void {
    const ctx = this.o.discovery;
    if (!ctx) return;
    // Discovery depends on what a node has, not on its values: skip building it for a reading that changed nothing but numbers.
    const shape = discoveryShape(node);
    if (this.shapes.get(node.mac) === shape) return;
    this.shapes.set(node.mac, shape);
    for (const m of nodeDiscovery(node, ctx)) {
      const text = JSON.stringify(m.payload);
      if (this.discovered.get(m.topic) === text) continue;
      this.discovered.set(m.topic, text);
      this.retained(m.topic, text);
    }
  }

  private retained(topic: string, payload: string): void {
    this.o.queue.put({ topic, payload, retain: true });
  }
}
