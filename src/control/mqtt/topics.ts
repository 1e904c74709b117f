/**
 * Every topic the MQTT service publishes or listens to, from the base topic
 * (`mqtt.baseTopic`, default `espnow-gateway`). A node appears as its MAC in
 * the protocol's form, 12 lower-case hex digits (`a2b2c2d2e2f2`).
 */
export interface MqttTopics {
  /** The bridge's `online` / `offline` (retained; `offline` is the last will). */
  readonly bridgeState: string;
  /** A node's readings, battery, RSSI, last seen (retained JSON). */
  nodeState(mac: string): string;
  /** One channel of a node: power, energy, confirmed relay (retained JSON). */
  channelState(mac: string, channel: number): string;
  /** A node's `online` / `offline` from its health (retained). */
  availability(mac: string): string;
  /** `ON`, `OFF` or `TOGGLE` for a relay. */
  relaySet(mac: string, channel: number): string;
  /** Seconds between a node's reports. */
  intervalSet(mac: string): string;
  /** A command's status (JSON, not retained). */
  command(id: number): string;
  /** A command the queue refused, with the reason (JSON, not retained). */
  readonly commandRefused: string;
  /** What the service subscribes to for commands (`<base>/+/+/relay/set`, `<base>/+/interval/set`). */
  readonly commandSubscriptions: readonly string[];
}

/** The topics under `base`. */
export function mqttTopics(base: string): MqttTopics {
  return {
    bridgeState: `${base}/bridge/state`,
    nodeState: (mac) => `${base}/${mac}/state`,
    channelState: (mac, channel) => `${base}/${mac}/${channel}/state`,
    availability: (mac) => `${base}/${mac}/availability`,
    relaySet: (mac, channel) => `${base}/${mac}/${channel}/relay/set`,
    intervalSet: (mac) => `${base}/${mac}/interval/set`,
    command: (id) => `${base}/commands/${id}`,
    commandRefused: `${base}/commands/refused`,
    commandSubscriptions: [`${base}/+/+/relay/set`, `${base}/+/interval/set`],
  };
}

/** What a set topic addresses. */
export type SetTarget =
  | { readonly type: 'relay'; readonly mac: string; readonly channel: number }
  | { readonly type: 'interval'; readonly mac: string };

const MAC = /^[0-9a-f]{12}$/;
const CHANNEL = /^(?:0|[1-9][0-9]{0,2})$/;

/**
 * The node and channel a set topic under `base` names, or undefined for any
 * other topic (a MAC not in the 12-hex-digit form, a channel that is not a
 * number 0..999, a different base).
 */
export function parseSetTopic(base: string, topic: string): SetTarget | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const levels = topic.slice(base.length + 1).split('/');
  const mac = levels[0]?.toLowerCase() ?? '';
  if (!MAC.test(mac)) return undefined;
  if (levels.length === 3 && levels[1] === 'interval' && levels[2] === 'set') return { type: 'interval', mac };
  if (levels.length === 4 && CHANNEL.test(levels[1]) && levels[2] === 'relay' && levels[3] === 'set') {
    return { type: 'relay', mac, channel: Number(levels[1]) };
  }
  return undefined;
}
