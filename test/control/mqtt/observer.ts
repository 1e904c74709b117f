import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { waitFor } from '../../helpers/wait-for.ts';

/** One message an observer received. */
export interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

/** A second MQTT client standing where Home Assistant or a script would. */
export interface Observer {
  client: MqttClient;
  messages: Received[];
  /** The latest message on `topic`. */
  last(topic: string): Received | undefined;
  /** The latest message on `topic` as JSON. */
  json(topic: string): Record<string, unknown> | undefined;
  /** Waits until `predicate` holds over the messages (real I/O; 5 s at most). */
  until<T>(predicate: (messages: Received[]) => T, what: string): Promise<NonNullable<T>>;
  publish(topic: string, payload: string, retain?: boolean): Promise<void>;
  end(): Promise<void>;
}

/** Connects to `url`, subscribes to `topics` (QoS 1) and records every message. */
export async function observe(url: string, topics: string[], options: IClientOptions = {}): Promise<Observer> {
  const client = await connectAsync(url, { reconnectPeriod: 0, clientId: `observer-${Math.random().toString(16).slice(2, 10)}`, ...options });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString(), retain: packet.retain }));
  if (topics.length > 0) await client.subscribeAsync(topics, { qos: 1 });
  const last = (topic: string): Received | undefined => {
    for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i].topic === topic) return messages[i];
    return undefined;
  };
  return {
    client, messages, last,
    json: (topic) => {
      const m = last(topic);
      return m ? (JSON.parse(m.text) as Record<string, unknown>) : undefined;
    },
    until: (predicate, what) => waitFor(() => predicate(messages), 5000, what, 10),
    publish: async (topic, payload, retain = false) => {
      await client.publishAsync(topic, payload, { qos: 1, retain });
    },
    end: async () => {
      await client.endAsync(true);
    },
  };
}
