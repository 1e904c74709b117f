import type { NodeView } from '../../nodes/node-store.ts';
import type { MqttTopics } from './topics.ts';

/** Home Assistant platforms the gateway announces. */
export type HaComponent = 'sensor' | 'binary_sensor' | 'switch' | 'number';

/** One entity of a node before the device, origin and availability are added. */
export interface EntitySpec {
  readonly component: HaComponent;
  /** Unique within the node (`temperature`, `ch1_power`, `ch1_relay`); part of the topic and the unique_id. */
  readonly objectId: string;
  /** The entity's own part of its name; Home Assistant puts the device's name before it. */
  readonly name: string;
  /** The rest of the config (state_topic, value_template, device_class, ...). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A value from the state JSON; empty (which Home Assistant ignores for a numeric sensor) while the key is absent, so a missing reading never becomes a 0. */
export const valueTemplate = (key: string): string => `{{ value_json.${key} if '${key}' in value_json else '' }}`;

interface SensorKind {
  readonly key: string;
  readonly name: string;
  readonly device_class: string;
  readonly unit: string;
  readonly state_class: 'measurement' | 'total_increasing';
  readonly diagnostic?: boolean;
}

/** Node-wide sensors, by the key of the node's state JSON. */
const NODE_SENSORS: readonly SensorKind[] = [
  { key: 'temperature', name: 'Temperature', device_class: 'temperature', unit: '°C', state_class: 'measurement' },
  { key: 'humidity', name: 'Humidity', device_class: 'humidity', unit: '%', state_class: 'measurement' },
  { key: 'pressure', name: 'Pressure', device_class: 'pressure', unit: 'hPa', state_class: 'measurement' },
  { key: 'illuminance', name: 'Illuminance', device_class: 'illuminance', unit: 'lx', state_class: 'measurement' },
  { key: 'battery', name: 'Battery', device_class: 'voltage', unit: 'V', state_class: 'measurement', diagnostic: true },
  { key: 'rssi', name: 'RSSI', device_class: 'signal_strength', unit: 'dBm', state_class: 'measurement', diagnostic: true },
];

/** Per-channel sensors, by the key of the channel's state JSON. */
const CHANNEL_SENSORS: readonly SensorKind[] = [
  { key: 'voltage', name: 'voltage', device_class: 'voltage', unit: 'V', state_class: 'measurement' },
  { key: 'current', name: 'current', device_class: 'current', unit: 'A', state_class: 'measurement' },
  { key: 'power', name: 'power', device_class: 'power', unit: 'W', state_class: 'measurement' },
  // The node's own counter: total_increasing, so a node that reboots and starts again from 0 is a new cycle, not a negative use.
  { key: 'energy', name: 'energy', device_class: 'energy', unit: 'Wh', state_class: 'total_increasing' },
];

const NODE_VALUES: Readonly<Record<string, (n: NodeView) => number | undefined>> = {
  temperature: (n) => n.latest.temperature, humidity: (n) => n.latest.humidity, pressure: (n) => n.latest.pressure,
  illuminance: (n) => n.latest.illuminance, battery: (n) => n.batteryV, rssi: (n) => n.rssi,
};

const sensor = (kind: SensorKind, objectId: string, name: string, stateTopic: string): EntitySpec => ({
  component: 'sensor', objectId, name,
  config: {
    state_topic: stateTopic, value_template: valueTemplate(kind.key),
    device_class: kind.device_class, unit_of_measurement: kind.unit, state_class: kind.state_class,
    ...(kind.diagnostic ? { entity_category: 'diagnostic' } : {}),
  },
});

/**
 * The entities of one node: a sensor per reading it has reported (a reading
 * never reported gets no entity, so energy appears only once the node sent
 * its counter), a switch per channel with a confirmed relay, the report
 * interval as a number, RSSI, battery and last seen as diagnostics.
 */
export function nodeEntities(node: NodeView, mac: string, topics: MqttTopics): EntitySpec[] {
  const state = topics.nodeState(mac);
  const out: EntitySpec[] = NODE_SENSORS.filter((k) => NODE_VALUES[k.key](node) !== undefined).map((k) => sensor(k, k.key, k.name, state));
  out.push({
    component: 'sensor', objectId: 'last_seen', name: 'Last seen',
    config: { state_topic: state, value_template: valueTemplate('last_seen'), device_class: 'timestamp', entity_category: 'diagnostic' },
  });
  if (node.intervalS !== undefined) {
    out.push({
      component: 'number', objectId: 'interval', name: 'Report interval',
      config: {
        state_topic: state, value_template: valueTemplate('interval'), command_topic: topics.intervalSet(mac),
        device_class: 'duration', unit_of_measurement: 's', min: 1, max: 65535, step: 1, mode: 'box', entity_category: 'config',
      },
    });
  }
  for (const channel of node.channels) {
    const chState = topics.channelState(mac, channel.channel);
    const prefix = `ch${channel.channel}`;
    for (const kind of CHANNEL_SENSORS) {
      if (channel[kind.key as 'voltage'] === undefined) continue;
      out.push(sensor(kind, `${prefix}_${kind.key}`, `Channel ${channel.channel} ${kind.name}`, chState));
    }
    if (channel.relay !== undefined) {
      out.push({
        component: 'switch', objectId: `${prefix}_relay`, name: `Channel ${channel.channel}`,
        config: {
          state_topic: chState, value_template: valueTemplate('relay'), command_topic: topics.relaySet(mac, channel.channel),
          payload_on: 'ON', payload_off: 'OFF', state_on: 'ON', state_off: 'OFF', device_class: 'outlet',
        },
      });
    }
  }
  return out;
}
