import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

/** `mqtt.baseTopic` when the file gives none. */
export const DEFAULT_MQTT_BASE_TOPIC = 'espnow-gateway';
/** `mqtt.homeAssistant.prefix` when the file gives none (Home Assistant's own default discovery prefix). */
export const DEFAULT_HA_PREFIX = 'homeassistant';
/** `mqtt.stateIntervalMs` when the file gives none, ms. */
export const DEFAULT_STATE_INTERVAL_MS = 1000;
/** The longest `mqtt.stateIntervalMs`, ms (an hour). */
export const MAX_STATE_INTERVAL_MS = 3_600_000;

const nonEmpty = z.string().min(1, { error: 'must not be empty' });
/** A topic prefix: no wildcards, no leading or trailing `/`, no empty level. */
const topicPrefix = nonEmpty.regex(/^[^#+/\s]+(?:\/[^#+/\s]+)*$/, { error: 'not a topic prefix (levels separated by /, no +, #, spaces, leading or trailing /)' });
const intervalHint = `not a whole number of ms from 0 to ${MAX_STATE_INTERVAL_MS} (0 = publish state on every reading)`;

/**
 * The `mqtt` section of the file, before defaults (hooked into
 * src/config/schema.ts). Without the section MQTT is off.
 */
export const mqttFileSchema = z.strictObject({
  // A missing url keeps zod's own message, which the loader reports as `required`.
  url: z.url({ protocol: /^mqtts?$/, error: (issue) => (issue.input === undefined ? undefined : 'not an mqtt:// or mqtts:// URL') }),
  username: nonEmpty.optional(),
  password: nonEmpty.optional(),
  passwordFile: nonEmpty.optional(),
  clientId: nonEmpty.max(64, { error: 'at most 64 characters' }).optional(),
  baseTopic: topicPrefix.optional(),
  stateIntervalMs: z.number().int({ error: intervalHint }).min(0, { error: intervalHint }).max(MAX_STATE_INTERVAL_MS, { error: intervalHint }).optional(),
  homeAssistant: z.strictObject({
    prefix: topicPrefix.optional(),
  }).nullable().optional(),
});

/** The `mqtt` section as written. */
export type MqttFileSection = z.infer<typeof mqttFileSchema>;

/** The validated `mqtt` section; present only when the file has one. */
export interface MqttConfig {
  /** `mqtt://host:1883` or `mqtts://host:8883`. Required. */
  readonly url: string;
  /** Broker user; absent = anonymous. */
  readonly username?: string;
  /** The password itself, from `mqtt.password` or `mqtt.passwordFile`. Secret: never log it. */
  readonly password?: string;
  /** MQTT client id. Default `espnow-gateway-<gateway>`. */
  readonly clientId: string;
  /** Every state and command topic starts with it. Default `espnow-gateway`. */
  readonly baseTopic: string;
  /**
   * Each retained node and channel state topic is published at most once per
   * this many ms: the first change after a quiet interval at once, the latest
   * state of the changes within it when it ends. 0 = on every reading.
   * Default {@link DEFAULT_STATE_INTERVAL_MS}.
   */
  readonly stateIntervalMs: number;
  /** Home Assistant MQTT discovery; absent = off (no `mqtt.homeAssistant` key). */
  readonly homeAssistant?: {
    /** Discovery prefix, as set in Home Assistant's MQTT integration. Default `homeassistant`. */
    readonly prefix: string;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Completes the `mqtt` section (defaults, the password file read), adding
 * every problem to `problems` and every warning to `warnings`, each starting
 * with `file`. `raw` is the whole file as parsed; `parsed` is the section as
 * zod accepted it (undefined when it did not, or there is none). Returns
 * `{ mqtt }` to spread into the config, or `{}`.
 */
export async function completeMqttSection(
  raw: unknown, parsed: MqttFileSection | undefined, file: string, problems: string[], warnings: string[],
): Promise<{ mqtt?: MqttConfig }> {
  const section = isObject(raw) && isObject(raw.mqtt) ? raw.mqtt : undefined;
  if (section === undefined) return {};
  const mine: string[] = [];
  if (section.password !== undefined && section.passwordFile !== undefined) mine.push('mqtt.password: give mqtt.password or mqtt.passwordFile, not both');
  if ((section.password !== undefined || section.passwordFile !== undefined) && section.username === undefined) {
    mine.push('mqtt.username: required with a password (mqtt.password or mqtt.passwordFile)');
  }
  let password = typeof section.password === 'string' ? section.password : undefined;
  if (typeof section.passwordFile === 'string' && mine.length === 0) password = await readPasswordFile(section.passwordFile, mine, warnings, file);
  problems.push(...mine.map((p) => `${file}: ${p}`));
  if (parsed === undefined || mine.length > 0) return {};
  const gateway = isObject(raw) && typeof raw.gateway === 'string' ? raw.gateway : hostname();
  return {
    mqtt: {
      url: parsed.url,
      ...(parsed.username !== undefined ? { username: parsed.username } : {}),
      ...(password !== undefined ? { password } : {}),
      clientId: parsed.clientId ?? `espnow-gateway-${gateway}`.slice(0, 64),
      baseTopic: parsed.baseTopic ?? DEFAULT_MQTT_BASE_TOPIC,
      stateIntervalMs: parsed.stateIntervalMs ?? DEFAULT_STATE_INTERVAL_MS,
      ...(parsed.homeAssistant !== undefined ? { homeAssistant: { prefix: parsed.homeAssistant?.prefix ?? DEFAULT_HA_PREFIX } } : {}),
    },
  };
}

async function readPasswordFile(path: string, problems: string[], warnings: string[], file: string): Promise<string | undefined> {
  try {
    const secret = (await readFile(resolve(path), 'utf8')).trim();
    if (secret === '') problems.push(`mqtt.passwordFile: ${path} is empty`);
    const mode = (await stat(resolve(path))).mode;
    if ((mode & 0o004) !== 0) {
      warnings.push(`${file}: mqtt.passwordFile: ${path} (the MQTT password) is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`);
    }
    return secret;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    problems.push(`mqtt.passwordFile: cannot read ${path}: ${e.code ?? e.message}`);
    return undefined;
  }
}
