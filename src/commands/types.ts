/**
 * The command queue's public shapes (protocol section 4): what callers submit,
 * what they get back, and what the queue needs injected. Importable by the
 * API, MQTT, rules and panel bindings without pulling in the queue itself.
 */
import type { Logger } from '../log.ts';
import type { FieldValue } from '../points/point.ts';
import type { ChannelValues, TxStatus } from '../protocol/index.ts';

/** Who asked for a command. */
export type CommandSource = 'api' | 'mqtt' | 'rule' | 'panel';

/**
 * Where a command is. `accepted` (the gateway took it), then `queued` (the
 * broker holds it for a sleepy node), `sent` (radio ack from a listening node)
 * or `delivered` (inside a RECEIPT); then one of the final statuses.
 */
export type CommandStatus =
  | 'accepted' | 'queued' | 'sent' | 'delivered'
  | 'ok' | 'unsupported' | 'invalid' | 'failed' | 'expired' | 'unconfirmed' | 'superseded';

/** Statuses after which a command never changes again. */
export const FINAL_STATUSES: ReadonlySet<CommandStatus> = new Set<CommandStatus>([
  'ok', 'unsupported', 'invalid', 'failed', 'expired', 'unconfirmed', 'superseded',
]);

/** What the power-on state of a relay may be set to (record 0x54). */
export type PowerOnState = 'off' | 'on' | 'as-was';

/** One action, as it goes on the wire (a toggle already resolved into on or off). */
export type CommandAction =
  /** Relay of `channel` on or off (0x14); `autoOffS` (0x57, s, 0..65535) turns it off again, 0 = stays on. */
  | { readonly type: 'relay'; readonly channel: number; readonly state: 'on' | 'off'; readonly autoOffS?: number }
  /**
   * Settings of `channel`, at least one of: power-on state (0x54), current
   * limit in A (0x55 carries mA; 0 = none), humidity limit in %RH (0x56
   * carries 0.01 %RH; 0 = none).
   */
  | {
      readonly type: 'limits'; readonly channel: number; readonly powerOnState?: PowerOnState;
      readonly currentLimitA?: number; readonly humidityLimitPct?: number;
    }
  /** Seconds between reports (0x53), 1..65535. */
  | { readonly type: 'interval'; readonly intervalS: number }
  /** What a panel's LCD shows (0x58), at most 80 bytes of UTF-8, lines separated by `\n`. */
  | { readonly type: 'text'; readonly text: string }
  /** Bit n lights the LED of channel n (0x59), u32. */
  | { readonly type: 'leds'; readonly mask: number };

/** What callers submit: an action, where a relay may also be `toggle`. */
export type CommandRequest =
  | Exclude<CommandAction, { type: 'relay' }>
  | { readonly type: 'relay'; readonly channel: number; readonly state: 'on' | 'off' | 'toggle'; readonly autoOffS?: number };

/** One step of a command's life. */
export interface CommandStep {
  readonly status: CommandStatus;
  /** Wall time, ms since the epoch. */
  readonly atMs: number;
  /** Why, for failures and for `accepted` toggles (`toggle: was on`). */
  readonly reason?: string;
}

/** A command as the queue shows it (a snapshot; it does not change under the caller). */
export interface CommandView {
  /** 1..65535, also the `TX` line's id and record 0x51. */
  readonly id: number;
  /** The node, 12 lower-case hex digits. */
  readonly mac: string;
  /** The node's room at submit time. */
  readonly room: string;
  /** The channel the action names, if any. */
  readonly channel?: number;
  /** What goes on the wire (toggles resolved). */
  readonly action: CommandAction;
  /** What the caller asked for. */
  readonly requested: CommandRequest;
  readonly source: CommandSource;
  /** The last status. */
  readonly status: CommandStatus;
  /** Why the last status, when there is a reason. */
  readonly reason?: string;
  /** Wall time of `accepted`, ms since the epoch. */
  readonly createdMs: number;
  /** Wall time of the last status, ms since the epoch. */
  readonly updatedMs: number;
  /** Every status in order, `accepted` first. */
  readonly history: readonly CommandStep[];
}

/** What the queue needs to know about a node, from the node read model. */
export interface CommandNodeInfo {
  /** Room from the config, or `unknown`. */
  readonly room: string;
  /** Capability bits of its last HELLO (CAPABILITY_BITS); undefined when no HELLO was heard. */
  readonly capabilities?: number;
  /** Channels the node has reported or announced. */
  readonly channels: readonly number[];
  /** Relay state of `channel` as the node last reported it; undefined when unknown. */
  relay(channel: number): boolean | undefined;
}

/** Timers the queue sets (10 s `unconfirmed` deadlines), injectable as in src/sinks/sink-timers.ts. */
export interface CommandTimers {
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a pending call; `undefined` or a fired handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/** Everything the queue uses from outside, injected. */
export interface CommandQueueDeps {
  /** The gateway's data directory; the queue keeps `commands/` and `commands.jsonl` in it. */
  readonly dataDir: string;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** Default Node's timers. */
  readonly timers?: CommandTimers;
  /** Writes one line to the broker (BrokerPort.write); rejects while the port is closed. */
  writeLine(line: string): Promise<void>;
  /** Wall time (same clock as `now`) of the last `HB` or `BOOT` line, ms; undefined when none yet. */
  brokerHeardMs(): number | undefined;
  /** The node as the read model knows it; undefined for a node never heard nor configured. */
  node(mac: string): CommandNodeInfo | undefined;
  /** One `command` point per status change; the caller adds `gateway`, stamps it and sends it to the sink. */
  record(point: CommandPoint): void;
  /** Every status change (to the event bus). */
  onChange(command: CommandView): void;
  /** Bounds and deadlines; each defaults to {@link DEFAULT_COMMAND_LIMITS}. */
  readonly limits?: Partial<CommandLimits>;
}

/** Bounds and deadlines of the queue. */
export interface CommandLimits {
  /** Open commands in total; past it `TOO_MANY_PENDING`. Default 64. */
  readonly maxOpen: number;
  /** Open commands per node (the broker holds at most 16); past it `TOO_MANY_PENDING`. Default 16. */
  readonly maxOpenPerNode: number;
  /** No `HB`/`BOOT` for this long and commands are refused `BROKER_SILENT`, ms. Default 30 000. */
  readonly brokerSilentMs: number;
  /** A TX line with no TXR after this long is `failed`, ms. Default 30 000. */
  readonly txrTimeoutMs: number;
  /** `sent` with no RESULT after this long is `unconfirmed`, ms (protocol section 4). Default 10 000. */
  readonly sentResultMs: number;
  /** `delivered` (sleepy node, inside a RECEIPT) with no RESULT after this long is `unconfirmed`, ms. Default 60 000. */
  readonly deliveredResultMs: number;
  /** `queued` with no further TXR after this long is `expired`, ms (the broker holds 24 h). Default 25 h. */
  readonly queuedMs: number;
  /** Final commands kept in memory for get/list. Default 500. */
  readonly keepFinal: number;
  /** `commands.jsonl` rotates to `commands.jsonl.1` past this, bytes. Default 1 MiB. */
  readonly logMaxBytes: number;
}

/** The defaults of {@link CommandLimits}. */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = {
  maxOpen: 64,
  maxOpenPerNode: 16,
  brokerSilentMs: 30_000,
  txrTimeoutMs: 30_000,
  sentResultMs: 10_000,
  deliveredResultMs: 60_000,
  queuedMs: 25 * 3600_000,
  keepFinal: 500,
  logMaxBytes: 1024 * 1024,
};

/**
 * A string field (InfluxDB `"..."`). The shared `FieldValue` of
 * src/points/point.ts has no string type yet; once it has one this is the same
 * shape, and a {@link CommandPoint} is a `Point` without its time.
 */
export type StringField = { readonly type: 'string'; readonly value: string };

/** The `command` point of one status change (protocol section 4), without its time. */
export interface CommandPoint {
  readonly measurement: 'command';
  /** `room`, `node` (aa:bb:..), and `channel` when the command names one; the lead adds `gateway`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: {
    /** Integer. */
    readonly id: FieldValue;
    /** `relay on`, `relay off`, `limits`, `interval 300`, `text`, `leds 0x5`. */
    readonly action: StringField;
    /** A {@link CommandStatus}. */
    readonly status: StringField;
    /** A {@link CommandSource}. */
    readonly source: StringField;
  };
}

/** Filter of {@link CommandQueueApi.list}. */
export interface CommandFilter {
  /** Only this node (any spelling of the MAC). */
  readonly mac?: string;
  /** true: only commands not yet final; false: only final ones. */
  readonly open?: boolean;
  /** At most this many, newest first. Default 100. */
  readonly limit?: number;
}

/** The queue's surface, for services that only hold a reference to it (API, MQTT, rules). */
export interface CommandQueueApi {
  /** Takes a command or throws {@link CommandRefusedError}; returns it `accepted`. */
  submit(mac: string, request: CommandRequest, source: CommandSource): CommandView;
  get(id: number): CommandView | undefined;
  list(filter?: CommandFilter): CommandView[];
  /** Resolves with the command once final or after `timeoutMs` (as it is then); undefined for an unknown id. */
  waitFinal(id: number, timeoutMs: number): Promise<CommandView | undefined>;
}

export type { ChannelValues, TxStatus };
export { CommandRefusedError, REFUSED_HTTP_STATUS, type CommandRefusedCode } from './command-refused-error.ts';
