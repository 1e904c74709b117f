import type { MqttConfig } from '../control/mqtt/mqtt-config.ts';

/**
 * The gateway's validated config (keys as in config/gateway.example.yaml and the README's "Configure" table). Every
 * default is filled in, MACs are 12 lower-case hex digits, the InfluxDB
 * token is the secret itself (never log it), `dataDir` is absolute and
 * `display` is always present.
 */
export interface Config {
  /** Tag `gateway` on every point. Default: the host name. */
  readonly gateway: string;
  /** Absolute directory for the spool, state, screen PNG and line-protocol files. Default `./data` (from the working directory). */
  readonly dataDir: string;
  readonly log: {
    /** pino level. Default `info`. */
    readonly level: LogLevel;
  };
  readonly serial: {
    /** Serial device of the broker, e.g. `/dev/serial/by-id/usb-Espressif_..._if00`. Required. */
    readonly path: string;
    /** Baud rate, one of {@link BAUD_RATES}. Default 115200. */
    readonly baudRate: number;
  };
  /** InfluxDB 2.x output; absent = line-protocol files under `dataDir/lines/`. */
  readonly influx?: InfluxConfig;
  /** Where `GET /api/readings` asks for history; absent = no store to ask (no influx section and no `history` section). */
  readonly history?: HistoryConfig;
  readonly spool: {
    /** Spool size limit in bytes; the oldest points are dropped past it. Default 256 MiB. */
    readonly maxBytes: number;
    /** At most this many ms of accepted data can be lost on a power cut. Default 1000. */
    readonly fsyncIntervalMs: number;
  };
  /** MAC (12 lower-case hex digits) -> room name. Default empty. */
  readonly nodes: Readonly<Record<string, string>>;
  /** Scheduled backups and `espnow-gateway backup`'s default directory; absent = no `backup` section (nothing scheduled). */
  readonly backup?: import('../backup/backup-config.ts').BackupConfig;
  readonly display: DisplayConfig;
  readonly clock: {
    /** Hold readings until the system clock is NTP-synced. Default true. */
    readonly requireSync: boolean;
  };
  /** `GET /metrics` (Prometheus) on the API's server; absent = off (no `metrics` section). */
  readonly metrics?: import('../control/metrics/metrics-config.ts').MetricsConfig;
  /** Wi-Fi power meters over UDP (docs/power-meter.proto); absent = off (no `udpMeters` section). */
  readonly udpMeters?: import('../control/metrics/metrics-config.ts').UdpMetersConfig;
  /** The HTTP API and web page; absent = off (no `api` section). */
  readonly api?: ApiConfig;
  /** MQTT state, commands and Home Assistant discovery; absent = off (no `mqtt` section). */
  readonly mqtt?: MqttConfig;
  /** Front-panel bindings: panel MAC -> its buttons' sockets and channels; absent = off (no `panels` section). */
  readonly panels?: import('../control/panel-bindings/panel-config.ts').PanelsConfig;
  /** Alert rules and their webhook; absent = no rules (no `alerts` section). */
  readonly alerts?: import('../control/alerts/alerts-config.ts').AlertsConfig;
}

/** The `api` section (`api:` alone turns it on with every default). */
export interface ApiConfig {
  /** `"host:port"` as written. Default `127.0.0.1:8080` (this machine only). */
  readonly listen: string;
  /** Parsed from `listen`. */
  readonly host: string;
  /** Parsed from `listen`; 0 = any free port. */
  readonly port: number;
  /** Absolute path of the hashed tokens (`espnow-gateway token add`). Default `<dataDir>/api-tokens.json`. */
  readonly tokensFile: string;
  /** Reads (GET) need no token. Default false: reads need a `read` or `control` token. */
  readonly openReads: boolean;
  /** Control requests (PUT) per minute and token. Default 30. */
  readonly controlRatePerMin: number;
}

/** pino levels the config accepts. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** The `influx` section. */
export interface InfluxConfig {
  /** http(s) URL of the InfluxDB 2.x server. Required. */
  readonly url: string;
  /** Organisation. Required. */
  readonly org: string;
  /** Bucket. Required. */
  readonly bucket: string;
  /** The API token itself, from `token`, `tokenFile` or env `INFLUX_TOKEN`. Secret. */
  readonly token: string;
  /** How often the spool is sent, ms. Default 1000. */
  readonly flushIntervalMs: number;
  /** Max lines per write request. Default 5000. */
  readonly batchSize: number;
  /** Per-request timeout, ms. Default 10000. */
  readonly timeoutMs: number;
}

/** The `history` section: the store the points went to, asked for `GET /api/readings`. */
export interface HistoryConfig {
  /** `influx` (Flux; uses influx.org, .bucket, .token) or `victoria-metrics` (Prometheus query API). Default `influx`; `victoria-metrics` without an influx section. */
  readonly backend: 'influx' | 'victoria-metrics';
  /** http(s) base URL of the store. Default `influx.url`; required without an influx section. */
  readonly url: string;
}

/** Supported panels; `none` = PNG only. */
export type PanelName = '2in13b_v4' | '2in13b_v3' | '2in13_v4' | 'none';

/** The `display` section. */
export interface DisplayConfig {
  /** Default `2in13b_v4` when the section is there, `none` when it is absent. */
  readonly panel: PanelName;
  /** Default `landscape`. */
  readonly orientation: 'landscape' | 'portrait';
  /** Least time between refreshes, s. Default 180; at least 180 for the three-colour panels. */
  readonly minRefreshS: number;
  /** 2in13_v4 only: a full refresh after this many partial ones. Default 10. */
  readonly fullRefreshEvery: number;
  /** Local time span without refreshes, `HH:MM` each; absent = none. */
  readonly quietHours?: { readonly from: string; readonly to: string };
  /** How long to wait for BUSY, ms. Default 60000 three-colour, 10000 otherwise. */
  readonly busyTimeoutMs: number;
  /** BCM pin numbers. Defaults from Waveshare: rst 17, dc 25, busy 24, pwr 18. */
  readonly pins: { readonly rst: number; readonly dc: number; readonly busy: number; readonly pwr: number };
}

/** Baud rates the config accepts. */
export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;
