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

const iso = (ms: number): string => new Date(ms).toISOString();
const onOff = (on: boolean): OnOff => (on ? 'ON' : 'OFF');

/** Drops undefined values, so JSON has a key only when there is a value. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The retained state of a node. */
export function nodeStatePayload(node: NodeView): NodeStatePayload {
  return defined({
    mac: node.mac, room: node.room, firmware: node.firmware, interval: node.intervalS,
    temperature: node.latest.temperature, humidity: node.latest.humidity,
    pressure: node.latest.pressure, illuminance: node.latest.illuminance,
    battery: node.batteryV, rssi: node.rssi, last_seen: iso(node.lastSeenMs),
    silent: node.health.silent, battery_low: node.health.batteryLow, tripped: node.health.tripped,
  });
}

/** The retained state of one channel. */
export function channelStatePayload(channel: ChannelView): ChannelStatePayload {
  const pending = channel.pendingCommand;
  return defined({
    channel: channel.channel, voltage: channel.voltage, current: channel.current, power: channel.power,
    energy: channel.energy, relay: channel.relay === undefined ? undefined : onOff(channel.relay), trip: channel.trip,
    pending: pending && defined({ id: pending.id, status: pending.status, state: pending.state && onOff(pending.state === 'on') }),
    updated: iso(channel.updatedMs),
  });
}

/** `offline` once the node missed 3 of its intervals (health.silent), else `online`. */
export const nodeAvailability = (node: NodeView): 'online' | 'offline' => (node.health.silent ? 'offline' : 'online');

/** What `<base>/commands/<id>` carries: the command as the queue shows it, without its history. */
export function commandStatusPayload(command: CommandView): Record<string, unknown> {
  return defined({
    id: command.id, mac: command.mac, room: command.room, channel: command.channel,
    action: command.action, requested: command.requested, source: command.source,
    status: command.status, reason: command.reason, updated: iso(command.updatedMs),
  });
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
