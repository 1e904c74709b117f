import { STATUS_BITS } from '../protocol/records.ts';
import type { NodeState } from './node-state.ts';

/** A node is silent after this many of its report intervals without a message. */
export const DEFAULT_SILENT_INTERVALS = 3;
/** Interval assumed for a node that never said its own, s. */
export const DEFAULT_INTERVAL_S = 300;
/** Battery below this is low even without the node's own low-battery flag, V. */
export const DEFAULT_LOW_BATTERY_V = 3.3;

/** How health is judged; every field has the default above. */
export interface HealthOptions {
  /** Default {@link DEFAULT_SILENT_INTERVALS}. */
  silentIntervals?: number;
  /** s. Default {@link DEFAULT_INTERVAL_S}. */
  defaultIntervalS?: number;
  /** V. Default {@link DEFAULT_LOW_BATTERY_V}. */
  lowBatteryV?: number;
}

/** What needs a person about one node. */
export interface NodeHealth {
  /** No message for more than `silentIntervals` of its interval. */
  readonly silent: boolean;
  /** The node's low-battery flag, or a battery below `lowBatteryV`. */
  readonly batteryLow: boolean;
  /** The node's own safety rule opened a relay: status bit 6, or a channel with a trip. */
  readonly tripped: boolean;
}

/**
 * The one place a node's health is decided; the display, the demo summary,
 * the API and the page, MQTT availability, metrics and alerts all ask here.
 */
export function nodeHealth(node: NodeState, nowMs: number, options: HealthOptions = {}): NodeHealth {
  const intervalS = node.intervalS ?? options.defaultIntervalS ?? DEFAULT_INTERVAL_S;
  const status = node.status ?? 0;
  return {
    silent: nowMs - node.lastSeenMs > (options.silentIntervals ?? DEFAULT_SILENT_INTERVALS) * intervalS * 1000,
    batteryLow: (status & STATUS_BITS.BATTERY_LOW) !== 0 || (node.batteryV !== undefined && node.batteryV < (options.lowBatteryV ?? DEFAULT_LOW_BATTERY_V)),
    tripped: (status & STATUS_BITS.TRIP_ACTIVE) !== 0 || Object.values(node.channels ?? {}).some((c) => (c.trip ?? 0) > 0),
  };
}
