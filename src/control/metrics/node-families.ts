import type { ChannelView, NodeView } from '../../nodes/node-store.ts';
import { tidy, type MetricFamily } from './metric-family.ts';

/** Seconds per hour: the nodes count energy in Wh, Prometheus' base unit for energy is the joule (1 Wh = 3600 J). */
const J_PER_WH = 3600;
const bool = (v: boolean): number => (v ? 1 : 0);

/** A per-node family (labels `node`, `room`); nodes without the value have no sample. */
function perNode(name: string, type: MetricFamily['type'], help: string, value: (n: NodeView) => number | undefined): MetricFamily {
  return {
    name, type, help, labels: ['node', 'room'],
    *samples(s) {
      for (const n of s.nodes) {
        const v = value(n);
        if (v !== undefined && Number.isFinite(v)) yield { labels: { node: n.mac, room: n.room }, value: v };
      }
    },
  };
}

/** A per-channel family (labels `node`, `room`, `channel`); channels without the value have no sample. */
function perChannel(name: string, type: MetricFamily['type'], help: string, value: (c: ChannelView) => number | undefined): MetricFamily {
  return {
    name, type, help, labels: ['node', 'room', 'channel'],
    *samples(s) {
      for (const n of s.nodes) {
        for (const c of n.channels) {
          const v = value(c);
          if (v !== undefined && Number.isFinite(v)) yield { labels: { node: n.mac, room: n.room, channel: String(c.channel) }, value: v };
        }
      }
    },
  };
}

/**
 * Per-node families, read from the node read model (NodeStore) at scrape
 * time. Units follow Prometheus' naming guide (base units: celsius, volts,
 * amperes, joules, seconds, ratio 0..1), and for quantities the guide does
 * not list, the SI unit: watts, pascals (the nodes report hPa), lux. RSSI
 * stays in dBm: it is a logarithmic power ratio with no linear base unit a
 * person would read (1e-9 W says less than -60 dBm), and `_dbm` is what
 * node_exporter's wifi collector uses too.
 */
export const NODE_FAMILIES: readonly MetricFamily[] = [
  {
    name: 'espnow_node_info', type: 'gauge', labels: ['node', 'room', 'firmware'],
    help: 'Always 1: one series per node heard since start, with its room and firmware (empty until its HELLO).',
    *samples(s) {
      for (const n of s.nodes) yield { labels: { node: n.mac, room: n.room, firmware: n.firmware ?? '' }, value: 1 };
    },
  },
  perNode('espnow_node_temperature_celsius', 'gauge', 'Latest temperature the node reported, degrees Celsius.', (n) => n.latest.temperature),
  perNode('espnow_node_humidity_ratio', 'gauge', 'Latest relative humidity the node reported, 0..1 (the node reports %RH).', (n) => n.latest.humidity === undefined ? undefined : tidy(n.latest.humidity / 100)),
  perNode('espnow_node_pressure_pascals', 'gauge', 'Latest air pressure the node reported, Pa (the node reports hPa).', (n) => n.latest.pressure === undefined ? undefined : tidy(n.latest.pressure * 100)),
  perNode('espnow_node_illuminance_lux', 'gauge', 'Latest illuminance the node reported, lx.', (n) => n.latest.illuminance),
  perNode('espnow_node_battery_volts', 'gauge', 'Latest battery voltage the node reported, V.', (n) => n.batteryV),
  perNode('espnow_node_rssi_dbm', 'gauge', 'Signal strength of the latest message at the broker, dBm.', (n) => n.rssi),
  perNode('espnow_node_last_seen_timestamp_seconds', 'gauge', 'When the latest message of the node was heard, Unix time in seconds.', (n) => n.lastSeenMs / 1000),
  perNode('espnow_node_report_interval_seconds', 'gauge', 'Seconds between reports, as the node last said.', (n) => n.intervalS),
  perNode('espnow_node_messages_total', 'counter', 'Messages of the node accepted since the gateway started.', (n) => n.counters.messages),
  perNode('espnow_node_duplicate_messages_total', 'counter', 'Duplicate messages of the node dropped since the gateway started.', (n) => n.counters.duplicates),
  perNode('espnow_node_lost_messages', 'gauge', 'Messages of the node believed lost since the gateway started (sequence gaps); a gauge because a late message that fills a gap takes one back.', (n) => n.counters.lost),
  perNode('espnow_node_silent', 'gauge', '1 when the node sent nothing for more than 3 of its report intervals, else 0.', (n) => bool(n.health.silent)),
  perNode('espnow_node_battery_low', 'gauge', '1 when the node flags a low battery or reports less than the low-battery voltage, else 0.', (n) => bool(n.health.batteryLow)),
  perNode('espnow_node_tripped', 'gauge', "1 when the node's own safety rule opened a relay, else 0.", (n) => bool(n.health.tripped)),
  perChannel('espnow_channel_power_watts', 'gauge', 'Latest active power of the channel, W.', (c) => c.power),
  perChannel('espnow_channel_voltage_volts', 'gauge', 'Latest voltage of the channel, V.', (c) => c.voltage),
  perChannel('espnow_channel_current_amperes', 'gauge', 'Latest current of the channel, A (negative when energy flows back).', (c) => c.current),
  perChannel('espnow_channel_energy_joules_total', 'counter', "The node's own energy counter of the channel (counted on the node since its first boot, reported in Wh), J.", (c) => c.energy === undefined ? undefined : tidy(c.energy * J_PER_WH)),
  perChannel('espnow_channel_relay_on', 'gauge', '1 when the relay of the channel is on as the node confirmed it, 0 when off.', (c) => c.relay === undefined ? undefined : bool(c.relay)),
];
