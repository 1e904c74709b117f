import type { Logger } from '../log.ts';
import { formatMac, normalizeMac } from '../protocol/mac.ts';
import { interpret, type Message } from '../protocol/index.ts';
import type { NodeState } from './node-state.ts';
import { SeqWindow } from './seq-window.ts';

/** Room of a MAC the config does not name. */
export const UNKNOWN_ROOM = 'unknown';
/** Most nodes kept in memory; past it the longest-silent unknown node is forgotten. */
export const DEFAULT_MAX_NODES = 1000;

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
    };

/** Counters across all nodes since the gateway started. */
export interface RegistryCounters {
  /** Messages accepted. */ messages: number;
  /** Duplicates of (MAC, boot, seq) dropped. */ duplicates: number;
  /** Messages lost, from seq gaps. */ lost: number;
  /** Distinct MACs heard that the config does not name. */ unknownNodes: number;
}

/** Options of {@link NodeRegistry}. */
export interface NodeRegistryOptions {
  /** MAC (12 lower-case hex digits) -> room. */
  rooms: ReadonlyMap<string, string>;
  log: Logger;
  /** Most nodes kept; default {@link DEFAULT_MAX_NODES}. */
  maxNodes?: number;
}

/**
 * Knows every node heard since start: drops duplicates, counts lost
 * messages, keeps each node's latest state, names rooms.
 */
export class NodeRegistry {
  private rooms: ReadonlyMap<string, string>;
  private readonly log: Logger;
  private readonly maxNodes: number;
  private readonly nodes = new Map<string, { state: NodeState; seqs: SeqWindow }>();
  private readonly warnedUnknown = new Set<string>();
  private readonly totals: RegistryCounters = { messages: 0, duplicates: 0, lost: 0, unknownNodes: 0 };

  constructor(options: NodeRegistryOptions) {
    this.rooms = options.rooms;
    this.log = options.log;
    this.maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  }

  /** Replaces the room map (config reload); known nodes take their new rooms at once. */
  setRooms(rooms: ReadonlyMap<string, string>): void {
    this.rooms = rooms;
    for (const [mac, { state }] of this.nodes) state.room = this.roomOf(mac);
    for (const mac of rooms.keys()) this.warnedUnknown.delete(mac);
  }

  /** Takes one radio message heard from `mac` at `nowMs` (wall clock, ms); `rssi` in dBm when known. */
  accept(mac: string, rssi: number | undefined, message: Message, nowMs: number): Acceptance {
    const node = this.nodeFor(normalizeMac(mac), nowMs);
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
    // A late message is counted but must not roll the state back to older readings.
    if (verdict.recovered) state.lastSeenMs = nowMs;
    else updateState(state, rssi, message, nowMs);
    return { duplicate: false, room: state.room, lost: verdict.lost, state };
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

  private roomOf(mac: string): string {
    return this.rooms.get(mac) ?? UNKNOWN_ROOM;
  }

  private nodeFor(mac: string, nowMs: number): { state: NodeState; seqs: SeqWindow } {
    const known = this.nodes.get(mac);
    if (known) return known;
    if (this.nodes.size >= this.maxNodes) this.forgetOneUnknown();
    const room = this.roomOf(mac);
    if (room === UNKNOWN_ROOM) this.noteUnknown(mac);
    const node = {
      state: { mac, room, firstSeenMs: nowMs, lastSeenMs: nowMs, latest: {}, counters: { messages: 0, duplicates: 0, lost: 0 } },
      seqs: new SeqWindow(),
    };
    this.nodes.set(mac, node);
    return node;
  }

  private noteUnknown(mac: string): void {
    if (this.warnedUnknown.has(mac)) return;
    this.warnedUnknown.add(mac);
    this.totals.unknownNodes += 1;
    const yaml = `  "${formatMac(mac)}": <room name>`;
    this.log.warn({ node: formatMac(mac), yaml }, `unknown node ${formatMac(mac)}: stored with room "unknown"; to name its room add this line under nodes: in the config:\n${yaml}`);
  }

  private forgetOneUnknown(): void {
    let oldest: NodeState | undefined;
    for (const { state } of this.nodes.values()) {
      if (state.room === UNKNOWN_ROOM && (!oldest || state.lastSeenMs < oldest.lastSeenMs)) oldest = state;
    }
    if (oldest) this.nodes.delete(oldest.mac);
  }
}

function updateState(state: NodeState, rssi: number | undefined, message: Message, nowMs: number): void {
  const { values } = interpret(message);
  state.lastSeenMs = nowMs;
  state.boot = message.boot;
  state.seq = message.seq;
  if (rssi !== undefined) state.rssi = rssi;
  if (values.battery !== undefined) state.batteryV = values.battery;
  if (values.interval !== undefined) state.intervalS = values.interval;
  if (values.status !== undefined) state.status = values.status;
  if (values.firmware !== undefined) state.firmware = values.firmware;
  for (const key of ['temperature', 'humidity', 'pressure', 'illuminance'] as const) {
    if (values[key] !== undefined) state.latest[key] = values[key];
  }
}
