import type { IClientOptions } from 'mqtt';
import type { MqttConfig } from './mqtt-config.ts';

/** Reconnect delays, ms. */
export interface ReconnectDelays {
  /** First delay after a lost connection or a failed attempt. */
  readonly minMs: number;
  /** The delay doubles per failed attempt up to this. */
  readonly maxMs: number;
}

/**
 * mqtt.js options for the gateway's client: a clean session (commands are
 * never taken from a stored session), the bridge's `offline` as a retained
 * last will, no offline queue of its own (the service publishes only while
 * connected), and reconnects even after the broker refused the password (it
 * may be fixed on the broker's side without restarting the gateway).
 * `writeCache: false`: otherwise mqtt-packet fills a table of 65,536
 * two-byte Buffers (one per packet id) on the first packet, about 6.3 MB of
 * heap for good, to save one 2-byte allocation per packet.
 */
export function clientOptions(config: MqttConfig, willTopic: string, delays: ReconnectDelays, connectTimeoutMs: number): IClientOptions {
  return {
    clientId: config.clientId,
    clean: true,
    resubscribe: false,
    queueQoSZero: false,
    reconnectOnConnackError: true,
    reconnectPeriod: delays.minMs,
    connectTimeout: connectTimeoutMs,
    writeCache: false,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    will: { topic: willTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
  };
}

/** The next reconnect delay after a failed attempt: doubled, at most `maxMs`. */
export const nextDelay = (currentMs: number | undefined, delays: ReconnectDelays): number => Math.min(delays.maxMs, Math.max(delays.minMs, (currentMs ?? delays.minMs) * 2));

/** A connection error in words that name the key to fix. */
export function describeMqttError(err: Error, config: MqttConfig): string {
  const code = (err as { code?: unknown }).code;
  // CONNACK return codes 4/5 (MQTT 3.1.1) and reason codes 134/135 (MQTT 5): bad user name or password, not authorized.
  if (code === 4 || code === 5 || code === 134 || code === 135) return `the broker refused mqtt.username / mqtt.password (${err.message})`;
  if (code === 'ECONNREFUSED') return `nothing listens at mqtt.url ${config.url}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve the host of mqtt.url ${config.url}`;
  return `${err.message} (mqtt.url ${config.url})`;
}
