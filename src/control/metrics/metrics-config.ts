import { z } from 'zod';
import { parseListen } from '../../config/listen-address.ts';
import { DEFAULT_MAX_DATAGRAM_BYTES } from '../udp-meters/udp-meter-defaults.ts';


/** What is wrong with a `udpMeters.listen` value, for the config error. */
const UDP_LISTEN_HINT = 'not host:port (e.g. 0.0.0.0:4210 for meters on the LAN, 127.0.0.1:4210, [::]:4210; port 0..65535)';

/**
 * The `metrics` and `udpMeters` keys of the config file (zod), spread into
 * the file schema of src/config/schema.ts. Both sections are off when absent.
 */
export const METRICS_FILE_KEYS = {
  /** `metrics:` alone (or `{}`) turns on `GET /metrics` on the API's server. */
  metrics: z.strictObject({}).nullable().optional(),
  udpMeters: z.strictObject({
    listen: z.string().refine((text) => parseListen(text) !== undefined, { error: UDP_LISTEN_HINT }),
    maxDatagramBytes: z.number().int().min(64, { error: 'must be at least 64 bytes' }).max(65507, { error: 'must be at most 65507 bytes (the largest UDP payload)' }).optional(),
  }).optional(),
};

/** The `metrics` section: its presence serves `GET /metrics` (needs the `api` section). No keys yet. */
export type MetricsConfig = Readonly<Record<string, never>>;

/** The `udpMeters` section: Wi-Fi power meters sending docs/power-meter.proto over UDP. */
export interface UdpMetersConfig {
  /** `"host:port"` as written, e.g. `0.0.0.0:4210` for meters on the LAN. Required. */
  readonly listen: string;
  /** Parsed from `listen`. */
  readonly host: string;
  /** Parsed from `listen`; 0 = any free port. */
  readonly port: number;
  /** Larger datagrams are refused, bytes. Default 2048. */
  readonly maxDatagramBytes: number;
}

/** The two sections as the file holds them after zod. */
export interface MetricsFileKeys {
  metrics?: Record<string, never> | null;
  udpMeters?: { listen: string; maxDatagramBytes?: number };
}

/** The completed sections, spread into the Config (absent = off). */
export function completeMetricsKeys(file: MetricsFileKeys): { metrics?: MetricsConfig; udpMeters?: UdpMetersConfig } {
  const udp = file.udpMeters;
  return {
    ...(file.metrics !== undefined ? { metrics: {} } : {}),
    ...(udp ? {
      udpMeters: { listen: udp.listen, ...parseListen(udp.listen)!, maxDatagramBytes: udp.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES },
    } : {}),
  };
}

/** Rules across sections, on the raw file: `/metrics` is served on the API's server. */
export function metricsChecks(raw: Record<string, unknown>): string[] {
  if (!('metrics' in raw) || raw.metrics === undefined || 'api' in raw) return [];
  return ['metrics: GET /metrics is served on the API\'s server: add the api section (api: alone listens on 127.0.0.1:8080)'];
}
