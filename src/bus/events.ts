import type { CommandView } from '../commands/types.ts';
import type { SinkStatus } from '../nodes/node-state.ts';
import type { ChannelValues, KindName, MessageValues } from '../protocol/index.ts';
import type { TxStatus } from '../protocol/index.ts';

/** A radio message the gateway accepted (not a duplicate), in display units. */
export interface ReadingEvent {
  /** Sender, 12 lower-case hex digits. */
  readonly mac: string;
  /** Room from the config, or `unknown`. */
  readonly room: string;
  /** Message kind (`REPORT`, `HELLO`, `RESULT`, ...), undefined for a kind this side does not know. */
  readonly kind: KindName | undefined;
  /** Wall time it was heard, ms since the epoch (the gateway's clock, maybe not yet synced). */
  readonly atMs: number;
  /** dBm, when the broker knew it. */
  readonly rssi?: number;
  /** Message-wide values (see interpret()). */
  readonly values: MessageValues;
  /** Per-channel values, in order of first appearance. */
  readonly channels: readonly ChannelValues[];
}

/** A line from the broker about itself or a command: BOOT, HB, TXR. */
export type BrokerStatusEvent =
  | { readonly type: 'boot'; readonly atMs: number; readonly firmware: string; readonly brokerMac: string }
  | { readonly type: 'hb'; readonly atMs: number; readonly uptimeS: number; readonly queued: number }
  | { readonly type: 'txr'; readonly atMs: number; readonly id: number; readonly status: TxStatus };

/**
 * Every event of the gateway, by name. Outputs subscribe to these through
 * {@link EventBus}; none of them imports the serial port, the spool or the
 * codecs.
 */
export interface GatewayEvents {
  /** A message was accepted; its points are on their way to the sink. */
  reading: ReadingEvent;
  /** A node's state in the read model changed (a message, a room rename, a pending command). */
  nodeChanged: { readonly mac: string };
  /** A command moved to a new status. */
  commandChanged: CommandView;
  /** The sink's health changed (reachable, backlog crossing, storage problem). */
  sinkStatus: SinkStatus;
  /** The broker spoke about itself or a command. */
  broker: BrokerStatusEvent;
}
