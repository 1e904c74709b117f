import type { CommandStatus } from '../../commands/types.ts';
import type { NodeView } from '../../nodes/node-store.ts';

/**
 * The gateway's own counters since start, as the exporter needs them. The
 * composition root builds this from the pipeline's and the registry's
 * counters (`{ ...pipeline.counters, lost: registry.counters.lost }`).
 */
export interface GatewayCounters {
  /** Lines that were valid frames. */
  readonly frames: number;
  /** Lines that were not frames (console text, bad CRC, garbage). */
  readonly consoleLines: number;
  /** Frames that did not parse, or of an unknown tag. */
  readonly badFrames: number;
  /** RX payloads that did not decode as a radio message. */
  readonly badMessages: number;
  /** Radio messages accepted (duplicates dropped). */
  readonly messages: number;
  /** Duplicates of (MAC, boot, seq) dropped. */
  readonly duplicates: number;
  /** Messages believed lost (seq gaps); goes down by one when a late message fills a gap. */
  readonly lost: number;
  /** Points handed to the sink. */
  readonly points: number;
  /** Broker BOOT lines seen. */
  readonly brokerBoots: number;
  /** Broker HB lines seen. */
  readonly heartbeats: number;
}

/** The sink's side, as the exporter needs it. */
export interface SinkMetrics {
  /** False while the last write to InfluxDB failed (always true for line-protocol files). */
  readonly reachable: boolean;
  /** Points (line-protocol lines) waiting in the spool. */
  readonly backlogPoints: number;
  /** Bytes on disk of those lines, framing included; absent without a spool. */
  readonly backlogBytes?: number;
  /** Failed InfluxDB write requests since start; absent without InfluxDB. */
  readonly writeErrors?: number;
}

/** Why a UDP power-meter datagram was refused (label `reason` of `espnow_udp_datagrams_invalid_total`). */
export type UdpInvalidReason = 'too_large' | 'decode' | 'mac' | 'range';

/** Counters of the UDP power-meter listener since start. */
export interface UdpMeterCounters {
  /** Datagrams received, valid or not. */
  readonly datagrams: number;
  /** Datagrams refused, by reason. */
  readonly invalid: Readonly<Record<UdpInvalidReason, number>>;
}

/** Everything one scrape exports, taken at one moment. */
export interface MetricsSnapshot {
  /** Wall time of the scrape, ms since the epoch. */
  readonly nowMs: number;
  /** Every node of the read model. */
  readonly nodes: readonly NodeView[];
  readonly gateway: GatewayCounters;
  readonly sink: SinkMetrics;
  /** Commands not yet final, by status (from the command queue). */
  readonly openCommands: Readonly<Partial<Record<CommandStatus, number>>>;
  /** Status changes since start, by the status reached (from `commandChanged` events). */
  readonly commandStatusChanges: Readonly<Partial<Record<CommandStatus, number>>>;
  /** Wall time of the broker's last HB or BOOT line, ms; undefined when none was heard since start. */
  readonly brokerHeardMs?: number;
  /** Absent when no UDP listener runs. */
  readonly udp?: UdpMeterCounters;
}
