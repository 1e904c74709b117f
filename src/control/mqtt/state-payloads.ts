import type { CommandView } from '../../commands/types.ts';
import type { ChannelView, NodeView } from '../../nodes/node-store.ts';

/** `ON` / `OFF`, as Home Assistant's switch expects it by default. */
export type OnOff = 'ON' | 'OFF';

/** What `<base>/<mac>/state` carries (retained). A key is absent until the node reported it. */
export interface NodeStatePayload {
  /** `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  readonly room: string;
  readonly firmware?: string;
  /** s between reports. */
  readonly interval?: number;
  /** degC */ readonly temperature?: number;
  /** %RH */ readonly humidity?: number;
  /** hPa */ readonly pressure?: number;
  /** lx */ readonly illuminance?: number;
  /** V */ readonly battery?: number;
  /** dBm */ readonly rssi?: number;
  /** ISO 8601 (UTC) of the latest message. */
  readonly last_seen: string;
  readonly silent: boolean;
  readonly battery_low: boolean;
  readonly tripped: boolean;
}

/** What `<base>/<mac>/<channel>/state` carries (retained). A key is absent until the node reported it. */
export interface ChannelStatePayload {
  readonly channel: number;
  /** V */ readonly voltage?: number;
  /** A */ readonly current?: number;
  /** W */ readonly power?: number;
  /** Wh, the node's own counter; absent until the node reported it since the gateway started (never a placeholder 0). */
  readonly energy?: number;
  /** The relay as the node confirmed it, never what a command asked for. */
  readonly relay?: OnOff;
  /** The node's safety rule that opened the relay (1 over-current, 2 over-power, 3 humidity, 4 over-temperature); 0 = none. */
  readonly trip?: number;
  /** The command still open for this channel, if any. */
  readonly pending?: { readonly id: number; readonly status: string; readonly state?: OnOff };
  /** ISO 8601 (UTC) of the latest value. */
  readonly updated: string;
}

let isoSecond = NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, with the part up to the second made once per second (a burst stamps thousands of messages within one). */
function iso(ms: number): string {
  const whole = Math.trunc(ms);
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    isoSecond = second;
  }
  const milli = whole - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

const onOff = (on: boolean): OnOff => (on ? 'ON' : 'OFF');

type Draft = Record<string, unknown>;

/** Sets `key` only when there is a value, so JSON has a key only when there is a value (in the order the keys are set). */
function put(o: Draft, key: string, value: unknown): void {
  if (value !== undefined) o[key] = value;
}

/** The retained state of a node. */
export function nodeStatePayload(node: NodeView): NodeStatePayload {
  const o: Draft = { mac: node.mac, room: node.room };
  put(o, 'firmware', node.firmware);
  put(o, 'interval', node.intervalS);
  put(o, 'temperature', node.latest.temperature);
  put(o, 'humidity', node.latest.humidity);
  put(o, 'pressure', node.latest.pressure);
  put(o, 'illuminance', node.latest.illuminance);
  put(o, 'battery', node.batteryV);
  put(o, 'rssi', node.rssi);
  o.last_seen = iso(node.lastSeenMs);
  o.silent = node.health.silent;
  o.battery_low = node.health.batteryLow;
  o.tripped = node.health.tripped;
  return o as unknown as NodeStatePayload;
}

/** The retained state of one channel. */
export function channelStatePayload(channel: ChannelView): ChannelStatePayload {
  const o: Draft = { channel: channel.channel };
  put(o, 'voltage', channel.voltage);
  put(o, 'current', channel.current);
  put(o, 'power', channel.power);
  put(o, 'energy', channel.energy);
  if (channel.relay !== undefined) o.relay = onOff(channel.relay);
  put(o, 'trip', channel.trip);
  const pending = channel.pendingCommand;
  if (pending) {
    const p: Draft = { id: pending.id, status: pending.status };
    if (pending.state) p.state = onOff(pending.state === 'on');
    o.pending = p;
  }
  o.updated = iso(channel.updatedMs);
  return o as unknown as ChannelStatePayload;
}

/** `offline` once the node missed 3 of its intervals (health.silent), else `online`. */
export const nodeAvailability = (node: NodeView): 'online' | 'offline' => (node.health.silent ? 'offline' : 'online');

/** What `<base>/commands/<id>` carries: the command as the queue shows it, without its history. */
export function commandStatusPayload(command: CommandView): Record<string, unknown> {
  const o: Draft = { id: command.id, mac: command.mac, room: command.room };
  put(o, 'channel', command.channel);
  put(o, 'action', command.action);
  put(o, 'requested', command.requested);
  put(o, 'source', command.source);
  put(o, 'status', command.status);
  put(o, 'reason', command.reason);
  o.updated = iso(command.updatedMs);
  return o;
}

/** What `<base>/commands/refused` carries for a set message that became no command. */
export interface RefusalPayload {
  /** The set topic the message came on. */
  readonly topic: string;
  readonly payload: string;
  /** `BAD_PAYLOAD` (the message itself), or the queue's refusal code (`UNKNOWN_NODE`, `BROKER_SILENT`, ...). */
  readonly code: string;
  readonly reason: string;
  /** ISO 8601 (UTC). */
  readonly at: string;
}

/** The refusal of one set message. */
export function refusalPayload(topic: string, payload: string, code: string, reason: string, atMs: number): RefusalPayload {
  return { topic, payload: payload.length > 64 ? `${payload.slice(0, 64)}...` : payload, code, reason, at: iso(atMs) };
}
