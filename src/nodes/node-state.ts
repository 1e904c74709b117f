/**
 * What the gateway knows about each node right now. Kept in memory by the node
 * registry (src/nodes), read by the display and later an API. Plain data only.
 */
export interface NodeState {
  /** MAC as 12 lower-case hex digits, the protocol's form. */
  readonly mac: string;
  /** Room from the config, or `unknown`. */
  room: string;
  /** Wall-clock time of the first and the latest message, ms since epoch. */
  firstSeenMs: number;
  lastSeenMs: number;
  /** Boot counter and seq of the latest message. */
  boot?: number;
  seq?: number;
  /** Latest RSSI in dBm, when the broker knew it. */
  rssi?: number;
  /** Latest battery voltage in V. */
  batteryV?: number;
  /** Report interval in s, from the latest REPORT or HELLO carrying one. */
  intervalS?: number;
  /** Latest status flags (record 0x06). */
  status?: number;
  /** Firmware version from the latest HELLO. */
  firmware?: string;
  /** Capability bits from the latest HELLO (record 0x41, see CAPABILITY_BITS). */
  capabilities?: number;
  /** Per channel (record 0x0f) of a power node or panel: the latest values it reported, by channel number. */
  channels: Record<number, ChannelState>;
  /** Latest environment readings; a key is absent until first reported. */
  latest: {
    /** degC */ temperature?: number;
    /** %RH */ humidity?: number;
    /** hPa */ pressure?: number;
    /** lx */ illuminance?: number;
  };
  /** Counters since the gateway started. */
  counters: {
    /** Messages accepted (not duplicates). */
    messages: number;
    /** Duplicates of (MAC, boot, seq) dropped. */
    duplicates: number;
    /** Messages lost, from seq gaps within a boot. */
    lost: number;
  };
}

/**
 * One channel of a node (an outlet, a meter input, a button) as the node last
 * reported it. `relay` is the state the node confirmed (a REPORT or a RESULT),
 * never what a command asked for.
 */
export interface ChannelState {
  /** Channel number (record 0x0f). */
  readonly channel: number;
  /** V */ voltage?: number;
  /** A */ current?: number;
  /** W */ power?: number;
  /** Wh, the node's own counter (never goes backwards) */ energy?: number;
  /** true = on, as confirmed by the node */ relay?: boolean;
  /** the node's safety rule that opened the relay (1 over-current, 2 over-power, 3 humidity, 4 over-temperature); 0 or absent = none */ trip?: number;
  /** after a power loss: 0 off, 1 on, 2 as it was */ powerOnState?: number;
  /** A; 0 = no limit */ currentLimit?: number;
  /** %RH; 0 = no limit */ humidityLimit?: number;
  /** The latest button press: 1 short, 2 long, and when, ms since epoch. */
  lastPress?: { press: number; atMs: number };
  /** Wall time of the latest value for this channel, ms since epoch. */
  updatedMs: number;
}

/** Status flag bits of record 0x06 (protocol section 1); one table, in src/protocol/records.ts. */
export { STATUS_BITS as STATUS } from '../protocol/records.ts';

/** Health of the InfluxDB path, for the display and `doctor`. */
export interface SinkStatus {
  /** False while the last write attempt failed. */
  reachable: boolean;
  /** Points waiting in the spool. */
  backlogPoints: number;
  /** Last error message, if the last write failed. */
  lastError?: string;
  /**
   * What is wrong with the local storage the points wait in, in a few words
   * (`disk full`, `disk read-only`, `disk I/O error`, `spool directory
   * missing`); absent while it works. Points are then held in memory.
   */
  storageProblem?: string;
}
