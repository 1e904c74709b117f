import { z } from 'zod';
import { backupSchema } from '../backup/backup-config.ts';
import { LISTEN_HINT, parseListen } from './listen-address.ts';
import { BAUD_RATES } from './types.ts';
import { METRICS_FILE_KEYS } from '../control/metrics/metrics-config.ts';
import { mqttFileSchema } from '../control/mqtt/mqtt-config.ts';
import { alertsFileSchema } from '../control/alerts/alerts-config.ts';
import { panelsFileSchema } from '../control/panel-bindings/panel-config.ts';

/**
 * Shape of the YAML file, before defaults. Every object is strict: an
 * unknown key is a typo until proven otherwise. Cross-field rules (token
 * sources, panel limits, MAC spelling) live in validate-config.ts.
 */
const positiveInt = z.number().int().min(1);
const pin = z.number().int().min(0).max(27, { error: 'not a BCM GPIO pin (0..27)' });
const clockTime = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'not a time of day (HH:MM, 00:00..23:59)' });
const nonEmpty = z.string().min(1, { error: 'must not be empty' });

export const fileSchema = z.strictObject({
  gateway: nonEmpty.regex(/^[^\s,=\\]+$/, { error: 'must not contain spaces, commas, = or \\' }).optional(),
  dataDir: nonEmpty.optional(),
  log: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  }).optional(),
  serial: z.strictObject({
    path: nonEmpty,
    baudRate: z.union(BAUD_RATES.map((rate) => z.literal(rate)), { error: `not a standard baud rate (${BAUD_RATES.join(', ')})` }).optional(),
  }),
  influx: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }),
    org: nonEmpty,
    bucket: nonEmpty,
    token: nonEmpty.optional(),
    tokenFile: nonEmpty.optional(),
    flushIntervalMs: positiveInt.optional(),
    batchSize: positiveInt.optional(),
    timeoutMs: positiveInt.optional(),
  }).optional(),
  history: z.strictObject({
    backend: z.enum(['influx', 'victoria-metrics']).optional(),
    url: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }).optional(),
  }).optional(),
  spool: z.strictObject({
    maxBytes: z.number().int().min(65536, { error: 'must be at least 65536 bytes' }).optional(),
    fsyncIntervalMs: positiveInt.optional(),
  }).optional(),
  nodes: z.record(z.string(), nonEmpty).nullable().optional(),
  backup: backupSchema.optional(),
  display: z.strictObject({
    panel: z.enum(['2in13b_v4', '2in13b_v3', '2in13_v4', 'none']).optional(),
    orientation: z.enum(['landscape', 'portrait']).optional(),
    minRefreshS: positiveInt.optional(),
    fullRefreshEvery: positiveInt.optional(),
    quietHours: z.strictObject({ from: clockTime, to: clockTime }).optional(),
    busyTimeoutMs: positiveInt.optional(),
    pins: z.strictObject({ rst: pin.optional(), dc: pin.optional(), busy: pin.optional(), pwr: pin.optional() }).optional(),
  }).nullable().optional(),
  clock: z.strictObject({
    requireSync: z.boolean().optional(),
  }).optional(),
  ...METRICS_FILE_KEYS,
  api: z.strictObject({
    listen: z.string().refine((text) => parseListen(text) !== undefined, { error: LISTEN_HINT }).optional(),
    tokensFile: nonEmpty.optional(),
    openReads: z.boolean().optional(),
    controlRatePerMin: positiveInt.optional(),
  }).nullable().optional(),
  mqtt: mqttFileSchema.optional(),
  alerts: alertsFileSchema.optional(),
  panels: panelsFileSchema.optional(),
});

/** The file as zod accepted it. */
export type ConfigFile = z.infer<typeof fileSchema>;
