import { decodeMessage, walkRecords, type Message, type MessageRecord, type RecordSink } from './message.ts';
import { KIND, SPEC_BY_TYPE, type KindName, type RecordSpec } from './records.ts';

/** Values of one channel (records after a 0x0f record), scaled to display units. */
export interface ChannelValues {
  /** Channel index from record 0x0f; 0 before any. */
  readonly channel: number;
  /** V */ voltage?: number;
  /** A */ current?: number;
  /** W */ power?: number;
  /** Wh, counter since the node's first boot */ energy?: number;
  /** true = on */ relay?: boolean;
  /** the node's safety rule that opened the relay: 1 over-current, 2 over-power, 3 humidity, 4 over-temperature; 0 cleared (record 0x15) */ trip?: number;
  /** a button press on this channel: 1 short, 2 long (record 0x16) */ press?: number;
  /** after a power loss: 0 off, 1 on, 2 as it was (record 0x54) */ powerOnState?: number;
  /** A; 0 = no limit (record 0x55) */ currentLimit?: number;
  /** %RH; 0 = no limit (record 0x56) */ humidityLimit?: number;
  /** s; 0 = stays on (record 0x57, COMMAND) */ autoOff?: number;
}

/** Message-wide values, scaled to display units; a key is present only when its record was. */
export interface MessageValues {
  /** degC */ temperature?: number;
  /** %RH */ humidity?: number;
  /** hPa */ pressure?: number;
  /** lx */ illuminance?: number;
  /** V */ battery?: number;
  /** bit flags, see STATUS_BITS */ status?: number;
  /** ms awake in the previous cycle */ awake?: number;
  /** s between reports */ interval?: number;
  /** retransmissions of the previous report; 255 = never acknowledged */ retries?: number;
  /** firmware version text (HELLO) */ firmware?: string;
  /** bit flags, see CAPABILITY_BITS */ capabilities?: number;
  /** Unix seconds (RECEIPT) */ time?: number;
  /** command id (COMMAND, RESULT) */ commandId?: number;
  /** 0 ok, 1 unsupported, 2 invalid, 3 failed */ outcome?: number;
  /** s (COMMAND) */ setInterval?: number;
}

/** A typed view of a {@link Message}. */
export interface MessageView {
  /** Kind name, or undefined for a kind this side does not know. */
  readonly kind: KindName | undefined;
  readonly values: MessageValues;
  /** Channels in order of first appearance; only those with at least one channel record. */
  readonly channels: readonly ChannelValues[];
}

const KIND_NAMES = new Map<number, KindName>(Object.entries(KIND).map(([name, code]) => [code, name as KindName]));

/** Name of a kind byte, or undefined when unknown. */
export const kindName = (kind: number): KindName | undefined => KIND_NAMES.get(kind);

type Channel = Record<string, number | boolean>;

/** The entry of `channel` in `channels`, added at the end when new. */
function channelIn(channels: Channel[], channel: number): Channel {
  for (const entry of channels) if (entry.channel === channel) return entry;
  const entry = { channel };
  channels.push(entry);
  return entry;
}

/**
 * Builds a view record by record: channel records (0x10-0x14) go to the
 * channel selected by the last 0x0f record (0 before any); a record seen
 * twice keeps the later value.
 */
class ViewBuilder implements RecordSink {
  readonly values: Record<string, number | string> = {};
  // Few channels per message: a short list searched in order is cheaper than a Map per message.
  readonly channels: Channel[] = [];
  private channel = 0;
  unknownRecords = 0;
  invalidRecords = 0;

  record(spec: RecordSpec, raw: number | string): void {
    if (spec.name === 'channel') {
      this.channel = raw as number;
    } else if (spec.scope === 'channel') {
      const target = channelIn(this.channels, this.channel);
      target[spec.name] = spec.name === 'relay' ? raw !== 0 : (raw as number) / spec.divisor;
    } else {
      this.values[spec.name] = typeof raw === 'string' ? raw : raw / spec.divisor;
    }
  }

  view(kind: number): MessageView {
    return { kind: kindName(kind), values: this.values as MessageValues, channels: this.channels as unknown as ChannelValues[] };
  }
}

/** Scales every record of a message to display units (raw / divisor of the record table), see {@link ViewBuilder}. */
export function interpret(message: Message): MessageView {
  const builder = new ViewBuilder();
  for (const { type, raw } of message.records) builder.record(SPEC_BY_TYPE[type]!, raw);
  return builder.view(message.kind);
}

/** A message from {@link decodeInterpreted}, with its view; its records are made only when asked for. */
export interface InterpretedMessage extends Message {
  /** The message in display units, as {@link interpret} gives it. */
  readonly view: MessageView;
}

class LazyRecordsMessage implements InterpretedMessage {
  readonly version: number;
  readonly kind: number;
  readonly boot: number;
  readonly seq: number;
  readonly unknownRecords: number;
  readonly invalidRecords: number;
  readonly view: MessageView;
  private readonly bytes: Buffer;
  private list: readonly MessageRecord[] | undefined;

  constructor(bytes: Buffer, builder: ViewBuilder) {
    this.version = bytes[0];
    this.kind = bytes[1];
    this.boot = bytes.readUInt16LE(2);
    this.seq = bytes.readUInt16LE(4);
    this.unknownRecords = builder.unknownRecords;
    this.invalidRecords = builder.invalidRecords;
    this.view = builder.view(bytes[1]);
    this.bytes = bytes;
  }

  get records(): readonly MessageRecord[] {
    return (this.list ??= decodeMessage(this.bytes).records);
  }
}

/**
 * `decodeMessage` and {@link interpret} in one pass over the bytes, with no
 * object per record (about 600 bytes of garbage per message less): the
 * pipeline's path for every RX frame. The records are decoded again only if
 * someone asks for them. Throws `ProtocolError` as `decodeMessage`.
 */
export function decodeInterpreted(payload: Uint8Array): InterpretedMessage {
  const builder = new ViewBuilder();
  return new LazyRecordsMessage(walkRecords(payload, builder), builder);
}
