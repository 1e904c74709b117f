import type { NodeView } from '../../nodes/node-store.ts';
import { UNKNOWN_ROOM } from '../../nodes/registry.ts';
import { nodeEntities, type EntitySpec } from './discovery-entities.ts';
import type { MqttTopics } from './topics.ts';

/** One retained discovery message: `<prefix>/<component>/<node_id>/<object_id>/config`. */
export interface DiscoveryMessage {
  readonly topic: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Who announces: Home Assistant shows it as the entity's origin. */
export interface DiscoveryOrigin {
  /** Default `espnow-gateway`. */
  readonly name: string;
  /** The gateway's version (package.json). */
  readonly sw_version: string;
  /** Where to ask for help; left out when unknown. */
  readonly support_url?: string;
}

/** What every discovery message needs besides the node. */
export interface DiscoveryContext {
  /** Discovery prefix (`mqtt.homeAssistant.prefix`, default `homeassistant`). */
  readonly prefix: string;
  readonly topics: MqttTopics;
  readonly origin: DiscoveryOrigin;
  /** The gateway's name (config `gateway`); its device is every node's `via_device`. */
  readonly gateway: string;
}

/** `[a-zA-Z0-9_-]` only, as Home Assistant wants node and object ids. */
export const haId = (text: string): string => text.replace(/[^a-zA-Z0-9_-]/g, '_');

/** The gateway's device identifier, every node's `via_device`. */
export const bridgeIdentifier = (gateway: string): string => `espnow_gateway_${haId(gateway)}`;

/** Model and version from a firmware text (`socket-1.0.0`, `demo-strip 1.0.0`); the whole text is the model when no version follows. */
export function firmwareParts(firmware: string | undefined): { model?: string; version?: string } {
  if (firmware === undefined) return {};
  const m = /^(.*?)[-\s_]v?(\d[\w.+-]*)$/.exec(firmware.trim());
  return m && m[1] !== '' ? { model: m[1], version: m[2] } : { model: firmware };
}

/** The gateway itself: a device with its connection state, so `via_device` names something Home Assistant knows. */
export function bridgeDiscovery(ctx: DiscoveryContext): DiscoveryMessage[] {
  const id = bridgeIdentifier(ctx.gateway);
  return [{
    topic: `${ctx.prefix}/binary_sensor/${id}/connection_state/config`,
    payload: {
      name: 'Connection state',
      unique_id: `${id}_connection_state`,
      state_topic: ctx.topics.bridgeState,
      payload_on: 'online',
      payload_off: 'offline',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      device: { identifiers: [id], name: `ESP-NOW gateway ${ctx.gateway}`, manufacturer: 'espnow-gateway', model: 'espnow-gateway', sw_version: ctx.origin.sw_version },
      origin: ctx.origin,
    },
  }];
}

/**
 * Every discovery message of one node: one Home Assistant device (the MAC as
 * identifier and serial number, named after its room, model and version from
 * its firmware, via the gateway), and its entities (src/control/mqtt/discovery-entities.ts),
 * each available while both the bridge and the node are `online`.
 */
export function nodeDiscovery(node: NodeView, ctx: DiscoveryContext): DiscoveryMessage[] {
  const mac = node.mac.replace(/:/g, '');
  const nodeId = `espnow_${mac}`;
  const { model, version } = firmwareParts(node.firmware);
  const device = {
    identifiers: [nodeId],
    name: node.room === UNKNOWN_ROOM ? `ESP-NOW node ${node.mac}` : node.room,
    manufacturer: 'espnow-gateway',
    ...(model !== undefined ? { model } : {}),
    ...(version !== undefined ? { sw_version: version } : {}),
    serial_number: node.mac,
    ...(node.room !== UNKNOWN_ROOM ? { suggested_area: node.room } : {}),
    via_device: bridgeIdentifier(ctx.gateway),
  };
  const availability = [ctx.topics.bridgeState, ctx.topics.availability(mac)].map((topic) => ({ topic, payload_available: 'online', payload_not_available: 'offline' }));
  return nodeEntities(node, mac, ctx.topics).map((entity: EntitySpec) => ({
    topic: `${ctx.prefix}/${entity.component}/${nodeId}/${entity.objectId}/config`,
    payload: {
      name: entity.name,
      unique_id: `${nodeId}_${entity.objectId}`,
      ...entity.config,
      availability,
      availability_mode: 'all',
      device,
      origin: ctx.origin,
    },
  }));
}
