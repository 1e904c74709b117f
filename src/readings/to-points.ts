import { bool, float, int, type FieldValue, type Point } from '../points/point.ts';
import { interpret, type ChannelValues, type MessageValues, type MessageView } from '../protocol/interpret.ts';
import type { BrokerEvent } from '../protocol/broker-frames.ts';
import { formatMac } from '../protocol/mac.ts';
import type { Message } from '../protocol/message.ts';
import { KIND } from '../protocol/records.ts';

/** Where a message came from and when it was heard. */
export interface MessageContext {
  /** Sender MAC, 12 hex digits (any accepted spelling). */
  readonly mac: string;
  /** Room from the config, or `unknown`. */
  readonly room: string;
  /** The gateway's name (tag `gateway`). */
  readonly gateway: string;
  /** dBm from the RX line; absent when the broker did not know it. */
  readonly rssi?: number;
  /** Messages lost in the seq gap before this one (from the node registry). */
  readonly lost: number;
  /** Receive time, integer microseconds since the epoch (see Stamper). */
  readonly timeUs: number;
  /**
   * The sender's entry in the node registry (its `NodeState`), kept as a key
   * only: the sender's tag sets are remembered with it, so there are as many
   * as the registry keeps nodes and they go when it forgets one. Without it
   * the tag sets are made for this message alone.
   */
  readonly node?: object;
}

type Fields = Record<string, FieldValue>;

/** The tag sets of one sender, frozen and shared by its points (see toLineProtocol, which remembers their prefixes). */
interface SenderTags {
  /** What they were made of; another room (config reload) or gateway name makes new ones. */
  readonly room: string;
  readonly gateway: string;
  readonly base: Readonly<Record<string, string>>;
  /** `base` plus `channel`, by channel number. */
  readonly channels: Map<number, Readonly<Record<string, string>>>;
}

/** By the registry's node entry: held weakly, so they live exactly as long as the registry keeps the node. */
const senders = new WeakMap<object, SenderTags>();

function senderTags(ctx: MessageContext): SenderTags {
  const { node, room, gateway } = ctx;
  let tags = node === undefined ? undefined : senders.get(node);
  if (tags === undefined || tags.room !== room || tags.gateway !== gateway) {
    tags = { room, gateway, base: Object.freeze({ room, node: formatMac(ctx.mac), gateway }), channels: new Map() };
    if (node !== undefined) senders.set(node, tags);
  }
  return tags;
}

function channelTags(sender: SenderTags, channel: number): Readonly<Record<string, string>> {
  let tags = sender.channels.get(channel);
  if (tags === undefined) {
    tags = Object.freeze({ ...sender.base, channel: String(channel) });
    sender.channels.set(channel, tags);
  }
  return tags;
}

/**
 * The InfluxDB points of one accepted message (docs/protocol.md section 3).
 * REPORT: `environment` (when it has any of 0x01-0x04), `node` (always: `lost`,
 * and `rssi` when known, plus battery/awake/retries/status), one `power` per
 * channel with records (`trip` added by section 4), one `input` per channel
 * with a button press (0x16). HELLO and RESULT: a `node` point (`lost`,
 * `rssi`, `status` if sent), and for RESULT the `relay` and `trip` state per
 * channel; no environment. Other kinds (RECEIPT, COMMAND, unknown): none.
 * `view` is the message in display units when the caller has it already
 * (the node registry interprets each message once); it is only read.
 */
export function messageToPoints(message: Message, ctx: MessageContext, view?: MessageView): Point[] {
  const { kind } = message;
  if (kind !== KIND.REPORT && kind !== KIND.HELLO && kind !== KIND.RESULT) return [];
  const { values, channels } = view ?? interpret(message);
  const sender = senderTags(ctx);
  const { timeUs } = ctx;
  const report = kind === KIND.REPORT;
  const environment = report ? environmentFields(values) : undefined;
  const node: Point = { measurement: 'node', tags: sender.base, fields: nodeFields(values, report, ctx), timeUs };
  // Array literals of their size: a pushed-to [] starts at 17 slots. Channel points (power meters) are pushed.
  const points: Point[] = environment === undefined ? [node] : [{ measurement: 'environment', tags: sender.base, fields: environment, timeUs }, node];
  for (const channel of channels) {
    const fields = report ? channelFields(channel) : relayState(channel, undefined);
    if (fields === undefined && !(report && channel.press !== undefined)) continue;
    const tags = channelTags(sender, channel.channel);
    if (fields !== undefined) points.push({ measurement: 'power', tags, fields, timeUs });
    if (report && channel.press !== undefined) points.push({ measurement: 'input', tags, fields: { press: int(channel.press) }, timeUs });
  }
  return points;
}

// The field builders below store each field by name: loops over the names made them keyed (megamorphic) stores.

/** The environment fields (0x01-0x04), or undefined when the message has none. */
function environmentFields(values: MessageValues): Fields | undefined {
  let fields: Fields | undefined;
  if (values.temperature !== undefined) (fields ??= {}).temperature = float(values.temperature);
  if (values.humidity !== undefined) (fields ??= {}).humidity = float(values.humidity);
  if (values.pressure !== undefined) (fields ??= {}).pressure = float(values.pressure);
  if (values.illuminance !== undefined) (fields ??= {}).illuminance = float(values.illuminance);
  return fields;
}

/** A REPORT's node fields; of other kinds only `status` is stored. */
function nodeFields(values: MessageValues, report: boolean, ctx: MessageContext): Fields {
  const fields: Fields = {};
  if (report && values.battery !== undefined) fields.battery = float(values.battery);
  if (ctx.rssi !== undefined) fields.rssi = int(ctx.rssi);
  if (report && values.awake !== undefined) fields.awake = int(values.awake);
  if (report && values.retries !== undefined) fields.retries = int(values.retries);
  if (values.status !== undefined) fields.status = int(values.status);
  fields.lost = int(ctx.lost);
  return fields;
}

/** A REPORT's power fields of one channel, or undefined when it has none. */
function channelFields(channel: ChannelValues): Fields | undefined {
  let fields: Fields | undefined;
  if (channel.voltage !== undefined) (fields ??= {}).voltage = float(channel.voltage);
  if (channel.current !== undefined) (fields ??= {}).current = float(channel.current);
  if (channel.power !== undefined) (fields ??= {}).power = float(channel.power);
  if (channel.energy !== undefined) (fields ??= {}).energy = float(channel.energy);
  return relayState(channel, fields);
}

/** What a RESULT says of a channel afterwards: its relay and any safety trip (section 4), added to `fields`. */
function relayState(channel: ChannelValues, fields: Fields | undefined): Fields | undefined {
  if (channel.relay !== undefined) (fields ??= {}).relay = bool(channel.relay);
  if (channel.trip !== undefined) (fields ??= {}).trip = int(channel.trip);
  return fields;
}

/** Heartbeat counters of the broker. */
export type Heartbeat = Extract<BrokerEvent, { type: 'hb' }>;

/** Context of {@link heartbeatToPoint}. */
export interface HeartbeatContext {
  /** The gateway's name (tag `gateway`). */
  readonly gateway: string;
  /**
   * The broker's MAC when a BOOT line told it. Not stored: a tag that appears
   * only after the broker's next reboot would split the series in two.
   */
  readonly brokerMac?: string;
  /** Receive time, integer microseconds since the epoch. */
  readonly timeUs: number;
}

/** The `broker` point of an HB line: uptime s, rx, rx_dropped, tx, tx_failed, queued, all integers. */
export function heartbeatToPoint(hb: Heartbeat, ctx: HeartbeatContext): Point {
  return {
    measurement: 'broker',
    tags: { gateway: ctx.gateway },
    fields: {
      uptime: int(hb.uptimeS), rx: int(hb.rx), rx_dropped: int(hb.rxDropped),
      tx: int(hb.tx), tx_failed: int(hb.txFailed), queued: int(hb.queued),
    },
    timeUs: ctx.timeUs,
  };
}
