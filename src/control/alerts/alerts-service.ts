import type { EventBus } from '../../bus/event-bus.ts';
import type { ReadingEvent } from '../../bus/events.ts';
import type { CommandQueueApi, CommandTimers } from '../../commands/types.ts';
import type { Service } from '../../gateway/service.ts';
import type { Logger } from '../../log.ts';
import type { NodeView } from '../../nodes/node-store.ts';
import type { AlertRule, AlertsConfig } from './alerts-config.ts';
import { alertPayload } from './alert-payload.ts';
import { evaluateRule, labelKey, type AlertChange, type AlertInstance, type AlertLabels, type AlertSample } from './alert-state.ts';
import { gatewaySample, nodeSamples, readingSamples } from './condition-samples.ts';
import { submitRelayAction } from './relay-action.ts';
import { WebhookSender, type WebhookCounters } from './webhook-sender.ts';

/** How often every rule is evaluated again (durations, silence), ms. */
export const DEFAULT_ALERTS_EVALUATE_MS = 10_000;

/** Repeating timers, injectable so tests drive evaluation themselves. */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Everything {@link AlertsService} uses from outside. */
export interface AlertsServiceDeps {
  readonly config: AlertsConfig;
  /** The gateway's name (label `gateway`, payload `gateway`). */
  readonly gateway: string;
  readonly bus: EventBus;
  /** The node read model (NodeStore). */
  readonly nodes: { list(): NodeView[] };
  /** Where rule actions go, with source `rule`. */
  readonly commands: CommandQueueApi;
  readonly log: Logger;
  /** Wall time, ms since the epoch. */
  now(): number;
  /** MQTT publish (the MQTT service's outgoing queue); absent = `notify: mqtt` is logged once and skipped. */
  readonly publish?: (topic: string, payload: string) => void;
  /** mqtt.baseTopic; alerts go to `<baseTopic>/alerts`. Default `espnow-gateway`. */
  readonly baseTopic?: string;
  /** Spool use, % of spool.maxBytes (backlogBytes / maxBytes * 100); absent = `spoolAbove` never holds. */
  spoolPercent?(): number | undefined;
  /** Evaluation timer; default Node's setInterval. */
  readonly timers?: IntervalTimers;
  /** Default {@link DEFAULT_ALERTS_EVALUATE_MS}. */
  readonly evaluateEveryMs?: number;
  /** The webhook's retry timers; default Node's. */
  readonly webhookTimers?: CommandTimers;
}

/** A firing alert as the e-ink panel marks it (in red). */
export interface ActiveAlert {
  readonly name: string;
  readonly labels: AlertLabels;
  /** ms since the epoch. */
  readonly firedMs: number;
  readonly value: number;
}

const nodeIntervals: IntervalTimers = { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };

/**
 * Evaluates `alerts.rules` (src/control/alerts/alert-state.ts): field
 * conditions on each reading, node health on node changes, gateway
 * conditions on sink and broker events, and every rule on a timer so `for:`
 * durations and silence are noticed without traffic. Firing and resolved
 * alerts go to the log, MQTT, the webhook and the panel as each rule asks;
 * a firing rule's relay action goes through the command queue.
 */
export class AlertsService implements Service {
  readonly name = 'alerts';
  private readonly d: AlertsServiceDeps;
  private readonly instances = new Map<string, ReadonlyMap<string, AlertInstance>>();
  private readonly fieldValues = new Map<string, Map<string, AlertSample>>();
  private webhook: WebhookSender | undefined;
  private unsubscribe: Array<() => void> = [];
  private timer: unknown;
  private unreachableSinceMs: number | undefined;
  private brokerHeardMs = 0;
  private mqttWarned = false;

  constructor(deps: AlertsServiceDeps) {
    this.d = deps;
  }

  start(): void {
    const { bus, config } = this.d;
    this.brokerHeardMs = this.d.now();
    if (config.webhook) this.webhook = new WebhookSender({ config: config.webhook, log: this.log(), timers: this.d.webhookTimers });
    this.unsubscribe = [
      bus.on('reading', (event) => this.onReading(event)),
      bus.on('nodeChanged', () => this.evaluate((r) => r.condition.kind === 'health' || r.condition.kind === 'lostShare')),
      bus.on('sinkStatus', (status) => {
        this.unreachableSinceMs = status.reachable ? undefined : this.unreachableSinceMs ?? this.d.now();
        this.evaluate((r) => r.condition.kind === 'gateway');
      }),
      bus.on('broker', (event) => {
        if (event.type !== 'txr') this.brokerHeardMs = this.d.now();
      }),
    ];
    this.timer = (this.d.timers ?? nodeIntervals).setInterval(() => this.evaluate(), this.d.evaluateEveryMs ?? DEFAULT_ALERTS_EVALUATE_MS);
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    (this.d.timers ?? nodeIntervals).clearInterval(this.timer);
    this.webhook?.stop();
  }

  /** Evaluates the rules `which` selects (default all) at `now()`; the timer calls it. */
  evaluate(which: (rule: AlertRule) => boolean = () => true): void {
    const nowMs = this.d.now();
    const rules = this.d.config.rules.filter(which);
    const nodes = rules.some((r) => r.condition.kind === 'health' || r.condition.kind === 'lostShare') ? this.d.nodes.list() : [];
    for (const rule of rules) this.apply(rule, this.samples(rule, nodes, nowMs), nowMs);
  }

  /** Firing alerts of rules that notify the panel, oldest first: the display's red marks. */
  activeAlerts(): ActiveAlert[] {
    return this.d.config.rules.filter((r) => r.notify.includes('panel'))
      .flatMap((r) => [...(this.instances.get(r.name)?.values() ?? [])])
      .filter((i) => i.state === 'firing')
      .map((i) => ({ name: i.rule, labels: i.labels, firedMs: i.firedMs!, value: i.value }))
      .sort((a, b) => a.firedMs - b.firedMs);
  }

  /** Pending and firing instances of every rule (for the API and tests). */
  alerts(): AlertInstance[] {
    return [...this.instances.values()].flatMap((m) => [...m.values()]);
  }

  /** The webhook's deliveries; undefined without `alerts.webhook`. */
  webhookCounters(): WebhookCounters | undefined {
    return this.webhook?.counters();
  }

  private log(): Logger {
    return this.d.log.child({ stage: 'alerts' });
  }

  private onReading(event: ReadingEvent): void {
    const nowMs = this.d.now();
    for (const rule of this.d.config.rules) {
      if (rule.condition.kind !== 'field') continue;
      const fresh = readingSamples(rule.condition, event);
      if (fresh.length === 0) continue;
      const values = this.fieldValues.get(rule.name) ?? new Map<string, AlertSample>();
      for (const sample of fresh) values.set(labelKey(sample.labels), sample);
      this.fieldValues.set(rule.name, values);
      this.apply(rule, [...values.values()], nowMs);
    }
  }

  private samples(rule: AlertRule, nodes: readonly NodeView[], nowMs: number): AlertSample[] {
    const c = rule.condition;
    if (c.kind === 'field') return [...(this.fieldValues.get(rule.name)?.values() ?? [])];
    if (c.kind === 'gateway') {
      const percent = this.d.spoolPercent?.();
      const facts = { gateway: this.d.gateway, brokerHeardMs: this.brokerHeardMs, unreachableSinceMs: this.unreachableSinceMs, spoolPercent: percent };
      return [gatewaySample(c, facts, nowMs)];
    }
    return nodeSamples(c, nodes, nowMs);
  }

  private apply(rule: AlertRule, samples: readonly AlertSample[], nowMs: number): void {
    const result = evaluateRule(rule, this.instances.get(rule.name) ?? new Map(), samples, nowMs);
    this.instances.set(rule.name, result.instances);
    for (const change of result.changes) this.notify(rule, change);
  }

  private notify(rule: AlertRule, change: AlertChange): void {
    const log = this.log();
    const fields = { alert: rule.name, labels: change.labels, value: change.value };
    if (change.state === 'pending' || change.state === 'inactive') {
      log.debug(fields, `alert ${rule.name} ${change.state}`);
      return;
    }
    const state = change.state;
    if (rule.notify.includes('log')) {
      if (state === 'firing') log.warn(fields, `alert ${rule.name} firing`);
      else log.info(fields, `alert ${rule.name} resolved`);
    }
    const payload = alertPayload({ ...change, state }, this.d.gateway);
    if (rule.notify.includes('mqtt')) this.publish(JSON.stringify(payload));
    if (rule.notify.includes('webhook')) this.webhook?.send(payload);
    if (state === 'firing' && rule.action) submitRelayAction(this.d.commands, rule.name, rule.action.relay, change.labels, log);
  }

  private publish(payload: string): void {
    if (this.d.publish) {
      this.d.publish(`${this.d.baseTopic ?? 'espnow-gateway'}/alerts`, payload);
    } else if (!this.mqttWarned) {
      this.mqttWarned = true;
      this.log().warn('a rule notifies mqtt but MQTT is off (no mqtt section): its alerts are not published');
    }
  }
}
