import type { Logger } from '../log.ts';
import { formatMac, normalizeMac } from '../protocol/mac.ts';
import { interpret, type Message, type MessageView } from '../protocol/index.ts';
import type { ChannelState, NodeState } from './node-state.ts';
import { SeqWindow } from './seq-window.ts';
import { RateLimitedLog, type RateLimitOptions } from '../gateway/rate-limited-log.ts';

/** Room of a MAC the config does not name. */
export const UNKNOWN_ROOM = 'unknown';
/**
 * Most nodes the config does not name kept in memory (default 1000); past it
 * the longest-silent one is forgotten, so anything in radio range spoofing
 * MACs costs a bounded amount of memory. Nodes the config names are always
 * kept. What one kept node costs is measured by bench/flood.ts.
 */
export const DEFAULT_MAX_UNKNOWN_NODES = 1000;

/** Result of {@link NodeRegistry.accept}. */
export type Acceptance =
  | { readonly duplicate: true }
  | {
      readonly duplicate: false;
      /** Room from the config, or `unknown`. */
      readonly room: string;
      /** Messages lost in the seq gap before this one (0 when none). */
      readonly lost: number;
      /** The node's state after this message (live object; do not keep references to mutate). */
      readonly state: NodeState;
      /** The message in display units (interpreted once, here). */
      readonly view: MessageView;
    };

/** Counters across all nodes since the gateway started. */
export interface RegistryCounters {
  /** Messages accepted. */ messages: number;
  /** Duplicates of (MAC, boot, seq) dropped. */ duplicates: number;
  /** Messages lost, from seq gaps. */ lost: number;
  /** Nodes the config does not name taken in (one forgotten and heard again counts again). */ unknownNodes: number;
  /** Unknown nodes forgotten to stay within `maxUnknownNodes`. */ forgottenNodes: number;
}

/** Options of {@link NodeRegistry}. */
export interface NodeRegistryOptions {
  /** MAC (12 lower-case hex digits) -> room. */
  rooms: ReadonlyMap<string, string>;
  log: Logger;
  /** Most unknown nodes kept (at least 1); default {@link DEFAULT_MAX_UNKNOWN_NODES}. */
  maxUnknownNodes?: number;
  /** Limits of the "unknown node" and "forgotten" log lines; defaults 20 a minute and 1 a minute. */
  rateLimit?: RateLimitOptions;
}

interface Entry { state: NodeState; seqs: SeqWindow }

/**
 * Knows every node heard since start: drops duplicates, counts lost
 * messages, keeps each node's latest state, names rooms. Nodes the config
 * does not name are bounded (`maxUnknownNodes`, longest-silent forgotten
 * first) and warned about once each while kept, at most 20 a minute.
 */
export class NodeRegistry {
  private rooms: ReadonlyMap<string, string>;
  private readonly log: Logger;
  private readonly maxUnknown: number;
  /** Every kept node, in order of first contact. */
  private readonly nodes = new Map<string, Entry>();
  /** The kept nodes the config does not name, longest-silent first (re-inserted on every message). */
  private readonly unknown = new Map<string, Entry>();
  private readonly unknownLog: RateLimitedLog;
  private readonly forgetLog: RateLimitedLog;
  private readonly totals: RegistryCounters = { messages: 0, duplicates: 0, lost: 0, unknownNodes: 0, forgottenNodes: 0 };

  constructor(options: NodeRegistryOptions) {
    this.rooms = options.rooms;
    this.log = options.log;
    this.maxUnknown = Math.max(1, options.maxUnknownNodes ?? DEFAULT_MAX_UNKNOWN_NODES);
    this.unknownLog = new RateLimitedLog(options.log, { level: 'warn', what: 'unknown nodes' }, options.rateLimit);
    this.forgetLog = new RateLimitedLog(options.log, { level: 'warn', what: 'lines about forgotten unknown nodes' }, { ...options.rateLimit, perWindow: 1 });
  }

  /** Replaces the room map (config reload); kept nodes take their new rooms at once. */
  setRooms(rooms: ReadonlyMap<string, string>): void {
    this.rooms = rooms;
    for (const [mac, { state }] of this.nodes) state.room = this.roomOf(mac);
    const unknown = [...this.nodes.values()].filter((n) => n.state.room === UNKNOWN_ROOM).sort((a, b) => a.state.lastSeenMs - b.state.lastSeenMs);
    this.unknown.clear();
    for (const node of unknown) this.unknown.set(node.state.mac, node);
    while (this.unknown.size > this.maxUnknown) this.forgetLongestSilent();
  }

  /**
   * Takes one radio message heard from `mac` at `nowMs` (wall clock, ms);
   * `rssi` in dBm when known; `view`: the message interpreted already
   * (`decodeInterpreted`), else it is interpreted here.
   */
  accept(mac: string, rssi: number | undefined, message: Message, nowMs: number, view?: MessageView): Acceptance {
    // Kept nodes are keyed by the wire form, which RX lines use: found without normalizing (two regexes and two new strings).
    const node = this.nodes.get(mac) ?? this.nodeFor(normalizeMac(mac), nowMs);
    if (node.state.room === UNKNOWN_ROOM) {
      this.unknown.delete(node.state.mac);
      this.unknown.set(node.state.mac, node);
    }
    const verdict = node.seqs.accept(message.boot, message.seq);
    if (verdict.kind === 'duplicate') {
      node.state.counters.duplicates += 1;
      this.totals.duplicates += 1;
      this.log.debug({ node: formatMac(node.state.mac), boot: message.boot, seq: message.seq }, 'duplicate message dropped');
      return { duplicate: true };
    }
    const { state } = node;
    if (verdict.recovered && state.counters.lost > 0) {
      state.counters.lost -= 1;
      this.totals.lost -= 1;
    }
    state.counters.messages += 1;
    state.counters.lost += verdict.lost;
    this.totals.messages += 1;
    this.totals.lost += verdict.lost;
    if (verdict.lost > 0) this.log.debug({ node: formatMac(state.mac), boot: message.boot, seq: message.seq, lost: verdict.lost }, 'messages lost');
    view ??= interpret(message);
    // A late message is counted but must not roll the state back to older readings.
    if (verdict.recovered) state.lastSeenMs = nowMs;
    else updateState(state, rssi, message, view, nowMs);
    return { duplicate: false, room: state.room, lost: verdict.lost, state, view };
  }

  /** Every node's state, in order of first contact. */
  states(): NodeState[] {
    return [...this.nodes.values()].map((n) => n.state);
  }

  /** One node's state, by MAC in any accepted spelling. */
  get(mac: string): NodeState | undefined {
    return this.nodes.get(normalizeMac(mac))?.state;
  }

  /** A copy of the counters. */
  get counters(): RegistryCounters {
    return { ...this.totals };
  }

  /** Unknown nodes kept now (at most `maxUnknownNodes`). */
  get unknownKept(): number {
    return this.unknown.size;
  }

  /** Writes the summaries of warnings left out by the rate limits now (at stop). */
  flushLogs(): void {
    this.unknownLog.flush();
    this.forgetLog.flush();
  }

  private roomOf(mac: string): string {
    return this.rooms.get(mac) ?? UNKNOWN_ROOM;
  }

  private nodeFor(mac: string, nowMs: number): Entry {
    const kept = this.nodes.get(mac);
    if (kept) return kept;
    const room = this.roomOf(mac);
    const node = {
      state: { mac, room, firstSeenMs: nowMs, lastSeenMs: nowMs, latest: {}, channels: {}, counters: { messages: 0, duplicates: 0, lost: 0 } },
      seqs: new SeqWindow(),
    };
    if (room === UNKNOWN_ROOM) {
      while (this.unknown.size >= this.maxUnknown) this.forgetLongestSilent();
      this.totals.unknownNodes += 1;
      const yaml = `  "${formatMac(mac)}": <room name>`;
      this.unknownLog.add('UNKNOWN_NODE', { node: formatMac(mac), yaml }, `unknown node ${formatMac(mac)}: stored with room "unknown"; to name its room add this line under nodes: in the config:\n${yaml}`);
    }
    this.nodes.set(mac, node);
    return node;
  }

  private forgetLongestSilent(): void {
    const mac = this.unknown.keys().next().value!;
    this.unknown.delete(mac);
    this.nodes.delete(mac);
    this.totals.forgottenNodes += 1;
    this.forgetLog.add('NODE_FORGOTTEN', { node: formatMac(mac), maxUnknownNodes: this.maxUnknown },
      `more than ${this.maxUnknown} unknown nodes heard (spoofed MACs?): forgot the longest-silent one, ${formatMac(mac)}; nodes named in the config are always kept`);
  }
}

const CHANNEL_KEYS = ['voltage', 'current', 'power', 'energy', 'relay', 'trip', 'powerOnState', 'currentLimit', 'humidityLimit'] as const;

function updateState(state: NodeState, rssi: number | undefined, message: Message, view: MessageView, nowMs: number): void {
  const { values } = view;
  state.lastSeenMs = nowMs;
  state.boot = message.boot;
  state.seq = message.seq;
  if (rssi !== undefined) state.rssi = rssi;
  if (values.battery !== undefined) state.batteryV = values.battery;
  if (values.interval !== undefined) state.intervalS = values.interval;
  if (values.status !== undefined) state.status = values.status;
  if (values.firmware !== undefined) state.firmware = values.firmware;
  if (values.capabilities !== undefined) state.capabilities = values.capabilities;
  // Named stores: a loop over the key names makes them keyed (megamorphic) stores, which profiled at ~2 % of a frame.
  const { latest } = state;
  if (values.temperature !== undefined) latest.temperature = values.temperature;
  if (values.humidity !== undefined) latest.humidity = values.humidity;
  if (values.pressure !== undefined) latest.pressure = values.pressure;
  if (values.illuminance !== undefined) latest.illuminance = values.illuminance;
  for (const values of view.channels) {
    const channel: ChannelState = state.channels[values.channel] ?? { channel: values.channel, updatedMs: nowMs };
    for (const key of CHANNEL_KEYS) if (values[key] !== undefined) (channel as unknown as Record<string, unknown>)[key] = values[key];
    if (values.press !== undefined) channel.lastPress = { press: values.press, atMs: nowMs };
    channel.updatedMs = nowMs;
    state.channels[values.channel] = channel;
  }
}
