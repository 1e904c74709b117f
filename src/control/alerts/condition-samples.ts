import type { ReadingEvent } from '../../bus/events.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import { formatMac, normalizeMac } from '../../protocol/mac.ts';
import type { AlertCondition, NodeSelector } from './alerts-config.ts';
import type { AlertSample } from './alert-state.ts';

type NodeCondition = Extract<AlertCondition, { kind: 'health' | 'lostShare' }>;
type FieldCondition = Extract<AlertCondition, { kind: 'field' }>;
type GatewayCondition = Extract<AlertCondition, { kind: 'gateway' }>;

/** Measurements whose fields are per channel (docs/protocol.md section 3); the others are message-wide. */
const CHANNEL_MEASUREMENTS = new Set(['power', 'input']);

/** What the gateway conditions look at, kept by the service from the bus and its deps. */
export interface GatewayFacts {
  /** The gateway's name (label `gateway`). */
  readonly gateway: string;
  /** Since when the sink has been unreachable, ms since the epoch; undefined while reachable. */
  readonly unreachableSinceMs?: number;
  /** Spool use, % of spool.maxBytes; undefined when unknown. */
  readonly spoolPercent?: number;
  /** Last HB or BOOT line of the broker, else when the service started, ms since the epoch. */
  readonly brokerHeardMs: number;
}

const matches = (nodes: NodeSelector, mac: string, room: string): boolean =>
  (nodes.mac === undefined || normalizeMac(mac) === nodes.mac) && (nodes.room === undefined || nodes.room === room);

/** One sample per node the condition selects; value: s silent, V battery, 1 tripped, share lost. */
export function nodeSamples(condition: NodeCondition, nodes: readonly NodeView[], nowMs: number): AlertSample[] {
  return nodes.filter((n) => matches(condition.nodes, n.mac, n.room)).map((n) => {
    const labels = { node: n.mac, room: n.room };
    if (condition.kind === 'lostShare') {
      const total = n.counters.messages + n.counters.lost;
      const share = total === 0 ? 0 : n.counters.lost / total;
      return { labels, active: share > condition.above, value: share };
    }
    const active = n.health[condition.health];
    const value = condition.health === 'silent' ? Math.max(0, (nowMs - n.lastSeenMs) / 1000)
      : condition.health === 'batteryLow' ? n.batteryV ?? (active ? 1 : 0) : active ? 1 : 0;
    return { labels, active, value };
  });
}

/** True when a field's value breaks the condition: above `above`, or below `below`. */
export const fieldBreaks = (condition: FieldCondition, value: number): boolean =>
  (condition.above !== undefined && value > condition.above) || (condition.below !== undefined && value < condition.below);

/**
 * The samples one reading gives a field condition: one per channel for
 * per-channel measurements (`power`, `input`), one for the node otherwise;
 * none when the reading lacks the field or is filtered out. A boolean field
 * (`relay`) counts as 1 or 0.
 */
export function readingSamples(condition: FieldCondition, event: ReadingEvent): AlertSample[] {
  if (!matches(condition.nodes, event.mac, event.room)) return [];
  const node = formatMac(event.mac);
  const sample = (raw: unknown, labels: Record<string, string>): AlertSample[] => {
    const value = typeof raw === 'boolean' ? Number(raw) : raw;
    return typeof value === 'number' && Number.isFinite(value) ? [{ labels, active: fieldBreaks(condition, value), value }] : [];
  };
  if (CHANNEL_MEASUREMENTS.has(condition.measurement)) {
    return event.channels
      .filter((c) => condition.channel === undefined || c.channel === condition.channel)
      .flatMap((c) => sample((c as unknown as Record<string, unknown>)[condition.field], { node, room: event.room, channel: String(c.channel) }));
  }
  if (condition.channel !== undefined) return [];
  const raw = condition.field === 'rssi' ? event.rssi : (event.values as Record<string, unknown>)[condition.field];
  return sample(raw, { node, room: event.room });
}

/** The one sample of a gateway condition; value: s unreachable, % of the spool, s since the broker spoke. */
export function gatewaySample(condition: GatewayCondition, facts: GatewayFacts, nowMs: number): AlertSample {
  const labels = { gateway: facts.gateway };
  switch (condition.gateway) {
    case 'influxUnreachable':
      return { labels, active: facts.unreachableSinceMs !== undefined, value: facts.unreachableSinceMs === undefined ? 0 : (nowMs - facts.unreachableSinceMs) / 1000 };
    case 'spoolAbove':
      return { labels, active: facts.spoolPercent !== undefined && facts.spoolPercent > condition.above!, value: facts.spoolPercent ?? 0 };
    case 'brokerSilent': {
      const silentMs = nowMs - facts.brokerHeardMs;
      return { labels, active: silentMs > condition.afterMs!, value: silentMs / 1000 };
    }
  }
}
