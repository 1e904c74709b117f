import type { IPublishPacket, MqttClient } from 'mqtt';
import { connectMqtt } from './connect-client.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import type { CommandQueueApi, CommandTimers } from '../../commands/types.ts';
import type { Service } from '../../gateway/service.ts';
import type { Logger } from '../../log.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import { clientOptions, describeMqttError, nextDelay, type ReconnectDelays } from './client-options.ts';
import type { DiscoveryContext } from './discovery.ts';
import type { MqttConfig } from './mqtt-config.ts';
import { DEFAULT_MAX_QUEUED, OutgoingQueue, type OutgoingMessage } from './outgoing-queue.ts';
import { packageInfo } from './package-info.ts';
import { SetHandler } from './set-handler.ts';
import { StatePublisher } from './state-publisher.ts';
import { StateThrottle } from './state-throttle.ts';
import { mqttTopics, type MqttTopics } from './topics.ts';

/** Timing and bounds of {@link MqttService}; every field has a default. */
export interface MqttTuning {
  /** How often node availability is checked, ms. Default 10 000. */
  readonly healthCheckMs?: number;
  /** First reconnect delay, doubled per failed attempt, ms. Default 1000. */
  readonly reconnectMinMs?: number;
  /** Longest reconnect delay, ms. Default 60 000. */
  readonly reconnectMaxMs?: number;
  /** Waiting messages at most (one per topic), see OutgoingQueue. Default 5000. */
  readonly maxQueued?: number;
  /** Publishes written but not yet sent at most. Default 50. */
  readonly maxInflight?: number;
  /** CONNECT to CONNACK at most, ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** `stop()` waits this long for the `offline` state and a clean DISCONNECT, ms. Default 2000. */
  readonly stopTimeoutMs?: number;
}

/** Everything the MQTT service uses, injected (src/main.ts builds it). */
export interface MqttServiceDeps {
  /** The `mqtt` section. */
  readonly config: MqttConfig;
  /** The config's `gateway` (names the gateway's own Home Assistant device). */
  readonly gateway: string;
  readonly nodes: { list(): NodeView[]; get(mac: string): NodeView | undefined };
  readonly bus: EventBus;
  readonly commands: CommandQueueApi;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** Default Node's timers, unref'd (they never keep the process alive). */
  readonly timers?: CommandTimers;
  /** `origin.sw_version` and the gateway device's version. Default package.json's version. */
  readonly version?: string;
  /** `origin.support_url`. Default package.json's `homepage`, left out when there is none. */
  readonly supportUrl?: string;
  readonly tuning?: MqttTuning;
}

const NODE_TIMERS: CommandTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/**
 * State, commands and Home Assistant discovery over MQTT (mqtt.js). Off
 * unless the config has an `mqtt` section. `start()` never waits for the
 * broker: the gateway runs without it, mqtt.js reconnects with a doubling
 * delay, and every (re)connect publishes the whole retained state again.
 * Publishing never blocks the pipeline: messages wait in a bounded queue,
 * one per state topic (events all), and only while connected. Node and
 * channel state goes out at most once per `mqtt.stateIntervalMs` per topic
 * (see StateThrottle); events, availability and discovery at once.
 */
export class MqttService implements Service {
  readonly name = 'mqtt';
  private readonly d: MqttServiceDeps;
  private client: MqttClient | undefined;
  private queue: OutgoingQueue | undefined;
  private throttle: StateThrottle | undefined;
  private cleanups: Array<() => void> = [];
  private inflight = 0;
  private generation = 0;
  private failing = false;
  private timer: unknown;
  private flushing = false;

  constructor(deps: MqttServiceDeps) {
    this.d = deps;
  }

  start(): void {
    const { config, tuning = {} } = this.d;
    const log = this.d.log.child({ stage: 'mqtt' });
    const topics = mqttTopics(config.baseTopic);
    const queue = new OutgoingQueue(tuning.maxQueued);
    const delays = { minMs: tuning.reconnectMinMs ?? 1000, maxMs: tuning.reconnectMaxMs ?? 60_000 };
    const client = connectMqtt(config.url, clientOptions(config, topics.bridgeState, delays, tuning.connectTimeoutMs ?? 10_000));
    this.client = client;
    this.queue = queue;
    this.throttle = config.stateIntervalMs > 0 ? new StateThrottle({ intervalMs: config.stateIntervalMs, timers: this.d.timers ?? NODE_TIMERS }) : undefined;
    // What the publisher queues (also at the end of a throttle's interval) is drained soon; nothing is queued while the
    // broker is away (an interval ending then publishes nothing: the connect publishes the whole state).
    const guarded = {
      put: (m: OutgoingMessage): boolean => {
        if (!client.connected) return false;
        this.flushSoon();
        return queue.put(m);
      },
    };
    const publisher = new StatePublisher({ topics, nodes: this.d.nodes, queue: guarded, ...this.discovery(topics), ...(this.throttle ? { throttle: this.throttle } : {}) });
    this.wire(client, publisher, log, delays);
    const whileConnected = (fn: () => void): void => {
      if (!client.connected) return;
      fn();
      this.flushSoon();
    };
    this.cleanups = [
      // Once per reading: no closure made per call.
      this.d.bus.on('nodeChanged', ({ mac }) => {
        if (!client.connected) return;
        publisher.node(mac);
        this.flushSoon();
      }),
      this.d.bus.on('commandChanged', (view) => whileConnected(() => publisher.command(view))),
    ];
    let stateDropped = 0;
    this.schedule(() => {
      whileConnected(() => publisher.checkAvailability());
      if (queue.droppedState > stateDropped) {
        log.warn({ droppedState: queue.droppedState, maxQueued: tuning.maxQueued ?? DEFAULT_MAX_QUEUED },
          'MQTT: more state topics waited at once than the outgoing queue holds; some state or discovery was dropped and goes out again at the next reconnect');
        stateDropped = queue.droppedState;
      }
    });
  }

  /** The client's events: connect (subscribe, publish everything), back-off, one error line per episode, messages. */
  private wire(client: MqttClient, publisher: StatePublisher, log: Logger, delays: ReconnectDelays): void {
    const { config } = this.d;
    const topics = mqttTopics(config.baseTopic);
    const haStatus = config.homeAssistant && `${config.homeAssistant.prefix}/status`;
    const sets = new SetHandler({ base: config.baseTopic, commands: this.d.commands, publisher, log, now: this.d.now });
    client.on('connect', () => {
      if (this.failing || this.generation === 0) log.info({ url: config.url, baseTopic: config.baseTopic, homeAssistant: Boolean(haStatus) }, `MQTT connected to ${config.url}`);
      this.failing = false;
      client.options.reconnectPeriod = delays.minMs;
      this.generation += 1;
      this.inflight = 0;
      this.queue?.clear();
      client.subscribe([...topics.commandSubscriptions, ...(haStatus ? [haStatus] : [])], { qos: 1 }, (err) => {
        if (err && client.connected) log.warn({ err: err.message }, 'MQTT subscribe failed; commands over MQTT are not heard until the next reconnect');
      });
      publisher.all();
      this.flush();
    });
    client.on('reconnect', () => { client.options.reconnectPeriod = nextDelay(client.options.reconnectPeriod, delays); });
    client.on('error', (err) => {
      if (!this.failing) log.error({ url: config.url, err: err.message, code: (err as { code?: unknown }).code }, `MQTT: ${describeMqttError(err, config)}; retrying with back-off, the gateway runs on`);
      this.failing = true;
    });
    client.on('offline', () => {
      if (!this.failing) log.warn({ url: config.url }, 'MQTT broker connection lost; reconnecting, state is published again on connect');
      this.failing = true;
    });
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      // A retained `online` is old news: everything is published on connect anyway.
      if (topic === haStatus && !packet.retain && payload.toString().trim() === 'online') {
        log.info('Home Assistant is online; discovery sent again');
        publisher.discoveryAll();
      } else if (topic !== haStatus) {
        sets.handle(topic, payload.toString('utf8'), packet.retain);
      }
      this.flush();
    });
  }

  /** Home Assistant discovery from the config, or nothing. */
  private discovery(topics: MqttTopics): { discovery?: DiscoveryContext } {
    const ha = this.d.config.homeAssistant;
    if (!ha) return {};
    const pkg = packageInfo();
    const supportUrl = this.d.supportUrl ?? pkg.homepage;
    return {
      discovery: {
        prefix: ha.prefix, topics, gateway: this.d.gateway,
        origin: { name: 'espnow-gateway', sw_version: this.d.version ?? pkg.version, ...(supportUrl ? { support_url: supportUrl } : {}) },
      },
    };
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups) c();
    this.cleanups = [];
    (this.d.timers ?? NODE_TIMERS).clearTimeout(this.timer);
    // The latest state folded within an interval goes out now, ahead of `offline`.
    this.throttle?.flush();
    this.throttle = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const timeoutMs = this.d.tuning?.stopTimeoutMs ?? 2000;
    const bye = async (): Promise<void> => {
      if (client.connected) {
        // Everything still waiting is written before `offline` (QoS 1): its PUBACK means the broker has read them all.
        for (let m = this.queue?.take(); m; m = this.queue?.take()) client.publish(m.topic, m.payload, { qos: 0, retain: m.retain });
        await client.publishAsync(mqttTopics(this.d.config.baseTopic).bridgeState, 'offline', { qos: 1, retain: true });
      }
      await client.endAsync();
    };
    await withTimeout(bye(), timeoutMs).catch(() => undefined);
    if (!client.disconnected) await client.endAsync(true).catch(() => undefined);
  }

  /** The mqtt.js client while started (tests cut its socket to see the last will). */
  get mqttClient(): MqttClient | undefined {
    return this.client;
  }

  /**
   * Publishes one message for another service (alerts), not retained, while
   * connected; dropped while the broker is away (the log and the webhook carry
   * alerts durably). Returns false when it was not queued.
   */
  publish(topic: string, payload: string): boolean {
    if (!this.client?.connected || !this.queue) return false;
    const queued = this.queue.put({ topic, payload, retain: false });
    this.flushSoon();
    return queued;
  }

  /** Messages waiting to be published (always 0 while disconnected: nothing is kept for a broker that is away). */
  get queued(): number {
    return this.queue?.size ?? 0;
  }

  /** Messages dropped because the outgoing queue was full, since start. */
  get dropped(): number {
    return this.queue?.dropped ?? 0;
  }

  private schedule(check: () => void): void {
    const timers = this.d.timers ?? NODE_TIMERS;
    const every = this.d.tuning?.healthCheckMs ?? 10_000;
    const tick = (): void => {
      check();
      this.timer = timers.setTimeout(tick, every);
    };
    this.timer = timers.setTimeout(tick, every);
  }

  /**
   * Publishes once the current event-loop turn is done, so the turn's burst of
   * bus events costs one message per state topic (events are all sent) and the
   * pipeline only fills a map. mqtt-packet corks the socket for each packet
   * until the next tick, so a flush leaves in one socket write (more once the
   * socket's buffer is full: the rest waits for `drain`).
   */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.flush();
    });
  }

  /** Publishes what waits, a few at a time, while connected (QoS 0: a message lost with the connection is sent again with the full state on reconnect). */
  private flush(): void {
    const client = this.client;
    const max = this.d.tuning?.maxInflight ?? 50;
    while (client?.connected && this.inflight < max) {
      const next = this.queue?.take();
      if (!next) return;
      this.inflight += 1;
      const generation = this.generation;
      client.publish(next.topic, next.payload, { qos: 0, retain: next.retain }, () => {
        if (generation !== this.generation) return;
        this.inflight -= 1;
        this.flush();
      });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let handle: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => { handle = setTimeout(() => reject(new Error('timeout')), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(handle));
}
