import type { CommandStatus } from '../../commands/types.ts';
import { single, type MetricFamily } from './metric-family.ts';
import type { GatewayCounters, UdpInvalidReason } from './metrics-snapshot.ts';

/** Every command status, in the order of its life (src/commands/types.ts). */
export const COMMAND_STATUSES: readonly CommandStatus[] = [
  'accepted', 'queued', 'sent', 'delivered', 'ok', 'unsupported', 'invalid', 'failed', 'expired', 'unconfirmed', 'superseded',
];
/** Statuses a command can wait in. */
const OPEN_STATUSES: readonly CommandStatus[] = ['accepted', 'queued', 'sent', 'delivered'];
/** Every reason a UDP datagram is refused. */
export const UDP_INVALID_REASONS: readonly UdpInvalidReason[] = ['too_large', 'decode', 'mac', 'range'];

const counter = (name: string, help: string, key: keyof GatewayCounters): MetricFamily =>
  ({ ...single(name, 'counter', help, (s) => s.gateway[key]), optional: false });

/**
 * The gateway's own health: pipeline and registry counters, the spool and
 * InfluxDB, commands, the broker and the UDP meters. Every status and reason
 * label value is always present (0 until it happens), so `rate()` and
 * `increase()` see the first one.
 */
export const GATEWAY_FAMILIES: readonly MetricFamily[] = [
  counter('espnow_frames_total', 'Serial lines from the broker that were valid frames.', 'frames'),
  counter('espnow_console_lines_total', 'Serial lines from the broker that were not frames (console text, bad CRC, too long).', 'consoleLines'),
  counter('espnow_bad_frames_total', 'Frames that did not parse, or of an unknown tag.', 'badFrames'),
  counter('espnow_bad_messages_total', 'Radio payloads that did not decode as a message.', 'badMessages'),
  counter('espnow_messages_total', 'Radio messages accepted (duplicates dropped).', 'messages'),
  counter('espnow_duplicate_messages_total', 'Duplicate radio messages dropped.', 'duplicates'),
  { ...single('espnow_lost_messages', 'gauge', 'Radio messages believed lost since start (sequence gaps, all nodes); a late message that fills a gap takes one back.', (s) => s.gateway.lost), optional: false },
  counter('espnow_points_total', 'Points handed to the sink (InfluxDB spool or line-protocol files).', 'points'),
  counter('espnow_broker_boots_total', 'BOOT lines of the broker.', 'brokerBoots'),
  counter('espnow_broker_heartbeats_total', 'HB lines of the broker.', 'heartbeats'),
  { ...single('espnow_nodes', 'gauge', 'Nodes kept in memory (heard since start).', (s) => s.nodes.length), optional: false },
  { ...single('espnow_sink_reachable', 'gauge', '1 while the last write to InfluxDB worked (always 1 for line-protocol files), else 0.', (s) => (s.sink.reachable ? 1 : 0)), optional: false },
  { ...single('espnow_spool_backlog_points', 'gauge', 'Points waiting in the spool for InfluxDB.', (s) => s.sink.backlogPoints), optional: false },
  single('espnow_spool_backlog_bytes', 'gauge', 'Bytes on disk of the points waiting in the spool, framing included.', (s) => s.sink.backlogBytes),
  single('espnow_influx_write_errors_total', 'counter', 'InfluxDB write requests that failed.', (s) => s.sink.writeErrors),
  {
    name: 'espnow_commands_open', type: 'gauge', labels: ['status'],
    help: 'Commands not yet final, by the status they wait in.',
    *samples(s) {
      for (const status of OPEN_STATUSES) yield { labels: { status }, value: s.openCommands[status] ?? 0 };
    },
  },
  {
    name: 'espnow_command_status_changes_total', type: 'counter', labels: ['status'],
    help: 'Command status changes since start, by the status reached (accepted = commands submitted).',
    *samples(s) {
      for (const status of COMMAND_STATUSES) yield { labels: { status }, value: s.commandStatusChanges[status] ?? 0 };
    },
  },
  single('espnow_broker_heartbeat_age_seconds', 'gauge', 'Seconds since the broker last sent HB or BOOT; absent until it did since start.',
    (s) => (s.brokerHeardMs === undefined ? undefined : Math.max(0, s.nowMs - s.brokerHeardMs) / 1000)),
  single('espnow_udp_datagrams_total', 'counter', 'Datagrams received by the UDP power-meter listener, valid or not.', (s) => s.udp?.datagrams),
  {
    name: 'espnow_udp_datagrams_invalid_total', type: 'counter', labels: ['reason'], optional: true,
    help: 'UDP power-meter datagrams refused, by reason: too_large, decode (not the protobuf message), mac (not 6 bytes), range (a value out of range).',
    *samples(s) {
      if (s.udp) for (const reason of UDP_INVALID_REASONS) yield { labels: { reason }, value: s.udp.invalid[reason] };
    },
  },
];
