/** Every default of the config, in one place (see types.ts for what each means). */

/** Directory for spool, state and files, relative to the working directory. */
export const DEFAULT_DATA_DIR = './data';
/** pino level. */
export const DEFAULT_LOG_LEVEL = 'info';
/** Serial baud rate, bit/s. */
export const DEFAULT_BAUD_RATE = 115200;
/** Spool sending period, ms. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** Max lines per InfluxDB write request. */
export const DEFAULT_BATCH_SIZE = 5000;
/** InfluxDB request timeout, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** `history.backend` when an influx section exists (its url, org, bucket and token are used). */
export const DEFAULT_HISTORY_BACKEND = 'influx';
/** Spool size limit, bytes (256 MiB). */
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Spool fsync period, ms: the most accepted data a power cut can lose. */
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
/** Panel when a `display` section is given without one. */
export const DEFAULT_PANEL = '2in13b_v4';
/** Panel orientation. */
export const DEFAULT_ORIENTATION = 'landscape';
/** Least time between panel refreshes, s; also the lowest value the three-colour panels accept (Waveshare: at least 180 s). */
export const DEFAULT_MIN_REFRESH_S = 180;
/** Lowest `minRefreshS` for the 2in13b_* panels, s. */
export const MIN_REFRESH_S_THREE_COLOUR = 180;
/** 2in13_v4: partial refreshes between two full ones. */
export const DEFAULT_FULL_REFRESH_EVERY = 10;
/** BUSY wait limit for the three-colour panels, ms (a full refresh takes ~15 s). */
export const DEFAULT_BUSY_TIMEOUT_MS_THREE_COLOUR = 60_000;
/** BUSY wait limit for the black/white panel and none, ms. */
export const DEFAULT_BUSY_TIMEOUT_MS_BW = 10_000;
/** BCM pins of the Waveshare e-Paper HAT. */
export const DEFAULT_PINS = { rst: 17, dc: 25, busy: 24, pwr: 18 } as const;
/** Hold readings until the clock is NTP-synced. */
export const DEFAULT_REQUIRE_SYNC = true;
/** Environment variable that may carry the InfluxDB token. */
export const TOKEN_ENV = 'INFLUX_TOKEN';
/** `api.listen`: this machine only; `0.0.0.0:8080` opens the API to the LAN. */
export const DEFAULT_API_LISTEN = '127.0.0.1:8080';
/** `api.tokensFile`, relative to `dataDir`. */
export const DEFAULT_API_TOKENS_FILE = 'api-tokens.json';
/** `api.controlRatePerMin`: control requests per minute and token. */
export const DEFAULT_API_CONTROL_RATE_PER_MIN = 30;
