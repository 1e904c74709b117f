import type { CommandView } from '../../commands/types.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import { bridgeDiscovery, nodeDiscovery, type DiscoveryContext } from './discovery.ts';
import type { OutgoingQueue } from './outgoing-queue.ts';
import { channelStatePayload, commandStatusPayload, nodeAvailability, nodeStatePayload, type RefusalPayload } from './state-payloads.ts';
import type { StateThrottle } from './state-throttle.ts';
import type { MqttTopics } from './topics.ts';

/** What {@link StatePublisher} reads and writes to. */
export interface StatePublisherOptions {
  readonly topics: MqttTopics;
  readonly nodes: { list(): NodeView[]; get(mac: string): NodeView | undefined };
  /** Where messages go (the service's queue, behind a guard that drops them while disconnected). */
  readonly queue: Pick<OutgoingQueue, 'put'>;
  /** Home Assistant discovery; absent = off. */
  readonly discovery?: DiscoveryContext;
  /**
   * Handles each node at most once per interval: the first change at once,
   * the latest of those within the interval at its end (state, channels,
   * availability, discovery); absent = every change at once.
   */
  readonly throttle?: StateThrottle;
}

/** Node runs kept for the throttle (one per node heard); past it they are made again. */
const MAX_NODE_RUNS = 4096;

/** Bit `bit` set when there is a value. */
const has = (value: unknown, bit: number): number => (value === undefined ? 0 : 1 << bit);

/**
 * What a node's discovery messages depend on: room, firmware, and which values
 * it has (never the values). Made for every reading, so a short string of
 * presence flags rather than JSON.
 */
function discoveryShape(node: NodeView): string {
  const { latest } = node;
  const flags = has(node.firmware, 0) | has(node.intervalS, 1) | has(node.batteryV, 2) | has(node.rssi, 3)
    | has(latest.temperature, 4) | has(latest.humidity, 5) | has(latest.pressure, 6) | has(latest.illuminance, 7);
  let shape = `${flags}\u0000${node.room}\u0000${node.firmware ?? ''}`;
  for (const c of node.channels) shape += `\u0000${c.channel}:${has(c.voltage, 0) | has(c.current, 1) | has(c.power, 2) | has(c.energy, 3) | has(c.relay, 4)}`;
  return shape;
}

/** A node's topics, made once per node. */
interface NodeTopicSet {
  /** The MAC in the protocol's form (`a2b2c2d2e2f3`). */
  readonly id: string;
  readonly state: string;
  readonly availability: string;
  /** Channel state topics by channel number. */
  readonly channels: Map<number, string>;
}

/**
 * Turns the node read model into queued MQTT messages: retained state on
 * every change (through the throttle when there is one), availability and
 * discovery only when they differ from what was last queued. No I/O: the
 * service drains the queue while connected.
 */
export class StatePublisher {
  private readonly o: StatePublisherOptions;
  private readonly availability = new Map<string, string>();
  private readonly discovered = new Map<string, string>();
  private readonly shapes = new Map<string, string>();
  /** By the node's MAC as its view spells it; at most one per node heard. */
  private readonly topicSets = new Map<string, NodeTopicSet>();
  /** Each node's throttled work, made once (a reading offers it, it is not made per reading). */
  private readonly nodeRuns = new Map<string, () => void>();

  constructor(options: StatePublisherOptions) {
    this.o = options;
  }

  /** Everything, as after a (re)connect: bridge `online`, discovery, every node's state and availability. */
  all(): void {
    this.o.throttle?.clear();
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

  /**
   * One node after a change: its state, its channels, and availability and
   * discovery when they changed. Through the throttle, a node that changed
   * again within the interval is looked at once, at the interval's end: its
   * view (built from the read model) is not made for every reading.
   */
  node(mac: string): void {
    const { throttle } = this.o;
    if (throttle === undefined) return this.nodeNow(mac);
    // One window per node whichever way its MAC is spelt (the bus gives `a2b2c2d2e2f2`, a view `a2:b2:c2:d2:e2:f2`).
    const id = mac.length === 12 ? mac : mac.replace(/:/g, '').toLowerCase();
    let run = this.nodeRuns.get(mac);
    if (run === undefined) {
      if (this.nodeRuns.size >= MAX_NODE_RUNS) this.nodeRuns.clear();
      run = () => this.nodeNow(mac);
      this.nodeRuns.set(mac, run);
    }
    throttle.offer(id, run);
  }

  /** Queues the node's state and its channels' from one view of it, then availability and discovery where they changed. */
  private nodeNow(mac: string): void {
    const node = this.o.nodes.get(mac);
    if (!node) return;
    const topics = this.topicsOf(node);
    this.retained(topics.state, JSON.stringify(nodeStatePayload(node)));
    for (const channel of node.channels) {
      let topic = topics.channels.get(channel.channel);
      if (topic === undefined) {
        topic = this.o.topics.channelState(topics.id, channel.channel);
        topics.channels.set(channel.channel, topic);
      }
      this.retained(topic, JSON.stringify(channelStatePayload(channel)));
    }
    this.availabilityOf(node, topics);
    this.discoveryOf(node);
  }

  /** Availability of every node, queued where it changed (a node fell silent, or spoke again). */
  checkAvailability(): void {
    for (const node of this.o.nodes.list()) this.availabilityOf(node, this.topicsOf(node));
  }

  /** A command's status (not retained). */
  command(view: CommandView): void {
    this.o.queue.put({ topic: this.o.topics.command(view.id), payload: JSON.stringify(commandStatusPayload(view)), retain: false });
  }

  /** A set message that became no command (not retained). */
  refusal(payload: RefusalPayload): void {
    this.o.queue.put({ topic: this.o.topics.commandRefused, payload: JSON.stringify(payload), retain: false });
  }

  private topicsOf(node: NodeView): NodeTopicSet {
    let set = this.topicSets.get(node.mac);
    if (set === undefined) {
      const id = node.mac.replace(/:/g, '').toLowerCase();
      set = { id, state: this.o.topics.nodeState(id), availability: this.o.topics.availability(id), channels: new Map() };
      this.topicSets.set(node.mac, set);
    }
    return set;
  }

  private availabilityOf(node: NodeView, topics: NodeTopicSet): void {
    const value = nodeAvailability(node);
    if (this.availability.get(topics.id) === value) return;
    this.availability.set(topics.id, value);
    this.retained(topics.availability, value);
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
