import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration.ts';
import { macOf, ruleProblems } from './rule-checks.ts';

/** Attempts of one webhook delivery when the file gives none. */
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 8;
/** Deliveries waiting for the webhook when the file gives none; past it the oldest is dropped. */
export const DEFAULT_WEBHOOK_QUEUE_SIZE = 100;
/** Per-request timeout of the webhook when the file gives none, ms. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
/** `brokerSilent` without `after`: no line from the broker for this long, ms (its HB comes every 10 s). */
export const DEFAULT_BROKER_SILENT_MS = 60_000;
/** Where a rule notifies when it gives no `notify`. */
export const DEFAULT_NOTIFY: readonly NotifyTarget[] = ['log', 'panel'];

/** Where an alert's changes go: the log, `<mqtt.baseTopic>/alerts`, the webhook, the e-ink panel's red marks. */
export type NotifyTarget = 'log' | 'mqtt' | 'webhook' | 'panel';
/** A node health flag (src/nodes/health.ts). */
export type HealthName = 'silent' | 'batteryLow' | 'tripped';
/** A condition on the gateway itself. */
export type GatewayConditionName = 'influxUnreachable' | 'spoolAbove' | 'brokerSilent';

/** Which nodes a condition looks at; neither key = every node. */
export interface NodeSelector {
  /** 12 lower-case hex digits. */
  readonly mac?: string;
  /** Room from the config's `nodes`. */
  readonly room?: string;
}

/** What a rule watches; one alert instance per node (and channel) it matches, one for gateway conditions. */
export type AlertCondition =
  | { readonly kind: 'health'; readonly nodes: NodeSelector; readonly health: HealthName }
  /** Share of a node's messages lost (lost / (messages + lost)), 0..1. */
  | { readonly kind: 'lostShare'; readonly nodes: NodeSelector; readonly above: number }
  /**
   * A field of the readings, e.g. `power`.`power` (W) or `environment`.`humidity` (%RH).
   * True when the value is above `above` or below `below` (both given = outside the band).
   */
  | {
      readonly kind: 'field'; readonly measurement: string; readonly field: string; readonly nodes: NodeSelector;
      readonly channel?: number; readonly above?: number; readonly below?: number;
    }
  /** `spoolAbove`: `above` is % of spool.maxBytes; `brokerSilent`: `afterMs` without an HB or BOOT line. */
  | { readonly kind: 'gateway'; readonly gateway: GatewayConditionName; readonly above?: number; readonly afterMs?: number };

/** The relay command a rule sends when it fires (a second line of defence behind the node's own cut-off). */
export interface RelayAction {
  /** 12 lower-case hex digits; absent = the node of the alert. */
  readonly mac?: string;
  /** Absent = the channel of the alert. */
  readonly channel?: number;
  readonly state: 'on' | 'off';
}

/** One rule of `alerts.rules`. */
export interface AlertRule {
  /** Unique among the rules; the alert's name. */
  readonly name: string;
  readonly condition: AlertCondition;
  /** How long the condition must hold before the alert fires, ms. Default 0 (fires at once). */
  readonly forMs: number;
  /** Default {@link DEFAULT_NOTIFY}. */
  readonly notify: readonly NotifyTarget[];
  readonly action?: { readonly relay: RelayAction };
}

/** `alerts.webhook`: where `notify: [webhook]` POSTs. */
export interface WebhookConfig {
  /** http(s) URL. Required. */
  readonly url: string;
  /** Attempts per delivery (back-off 1 s doubling to 60 s). Default 8. */
  readonly maxAttempts: number;
  /** Deliveries waiting; past it the oldest is dropped and counted. Default 100. */
  readonly queueSize: number;
  /** Per request, ms. Default 5000. */
  readonly timeoutMs: number;
}

/** The `alerts` section; absent = no rules. */
export interface AlertsConfig {
  readonly rules: readonly AlertRule[];
  readonly webhook?: WebhookConfig;
}

const nonEmpty = z.string().min(1, { error: 'must not be empty' });
const duration = z.string().refine((text) => parseDuration(text) !== undefined, { error: DURATION_HINT });
const count = (max: number) => z.number().int().min(1).max(max);

const ruleSchema = z.strictObject({
  name: nonEmpty,
  for: duration.optional(),
  notify: z.array(z.enum(['log', 'mqtt', 'webhook', 'panel'])).min(1, { error: 'must name at least one of log, mqtt, webhook, panel' }).optional(),
  action: z.strictObject({
    relay: z.strictObject({ node: nonEmpty.optional(), channel: z.number().int().min(0).max(255).optional(), state: z.enum(['on', 'off']) }),
  }).optional(),
  node: nonEmpty.optional(),
  room: nonEmpty.optional(),
  channel: z.number().int().min(0).max(255).optional(),
  health: z.enum(['silent', 'batteryLow', 'tripped']).optional(),
  lostShareAbove: z.number().min(0).max(1, { error: 'a share of messages, 0..1 (0.1 = 10 %)' }).optional(),
  measurement: nonEmpty.optional(),
  field: nonEmpty.optional(),
  above: z.number().optional(),
  below: z.number().optional(),
  gateway: z.enum(['influxUnreachable', 'spoolAbove', 'brokerSilent']).optional(),
  after: duration.optional(),
});
/** One rule as the file holds it, after zod and before completion. */
export type RuleFile = z.infer<typeof ruleSchema>;

/** The `alerts` section of the file (hooked into src/config/schema.ts); its output is the completed {@link AlertsConfig}. */
export const alertsFileSchema = z.strictObject({
  webhook: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }),
    maxAttempts: count(100).optional(),
    queueSize: count(100_000).optional(),
    timeoutMs: count(600_000).optional(),
  }).optional(),
  rules: z.array(ruleSchema).optional(),
}).superRefine((section, ctx) => {
  const names = new Set<string>();
  (section.rules ?? []).forEach((rule, i) => {
    const at = (key?: string): PropertyKey[] => (key ? ['rules', i, key] : ['rules', i]);
    if (names.has(rule.name)) ctx.addIssue({ code: 'custom', path: at('name'), message: `"${rule.name}" names another rule too` });
    names.add(rule.name);
    for (const [key, message] of ruleProblems(rule, section.webhook !== undefined)) ctx.addIssue({ code: 'custom', path: at(key), message });
  });
}).transform((section): AlertsConfig => ({
  rules: (section.rules ?? []).map(completeRule),
  ...(section.webhook ? {
    webhook: {
      url: section.webhook.url,
      maxAttempts: section.webhook.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS,
      queueSize: section.webhook.queueSize ?? DEFAULT_WEBHOOK_QUEUE_SIZE,
      timeoutMs: section.webhook.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
    },
  } : {}),
}));

/** `node:` is a MAC, `*`, or (for health conditions) a room; `room:` is a room. */
function selector(rule: RuleFile): NodeSelector {
  const mac = rule.node !== undefined && rule.node !== '*' ? macOf(rule.node) : undefined;
  const room = rule.room ?? (rule.node !== undefined && rule.node !== '*' && mac === undefined ? rule.node : undefined);
  return { ...(mac ? { mac } : {}), ...(room ? { room } : {}) };
}

function condition(rule: RuleFile): AlertCondition {
  if (rule.health !== undefined) return { kind: 'health', nodes: selector(rule), health: rule.health };
  if (rule.lostShareAbove !== undefined) return { kind: 'lostShare', nodes: selector(rule), above: rule.lostShareAbove };
  if (rule.gateway !== undefined) {
    if (rule.gateway === 'spoolAbove') return { kind: 'gateway', gateway: rule.gateway, above: rule.above };
    if (rule.gateway === 'brokerSilent') return { kind: 'gateway', gateway: rule.gateway, afterMs: rule.after ? parseDuration(rule.after) : DEFAULT_BROKER_SILENT_MS };
    return { kind: 'gateway', gateway: rule.gateway };
  }
  return {
    kind: 'field', measurement: rule.measurement!, field: rule.field!, nodes: selector(rule),
    ...(rule.channel !== undefined ? { channel: rule.channel } : {}),
    ...(rule.above !== undefined ? { above: rule.above } : {}),
    ...(rule.below !== undefined ? { below: rule.below } : {}),
  };
}

function completeRule(rule: RuleFile): AlertRule {
  const relay = rule.action?.relay;
  return {
    name: rule.name,
    condition: condition(rule),
    forMs: rule.for ? parseDuration(rule.for)! : 0,
    notify: rule.notify ? [...new Set(rule.notify)] : DEFAULT_NOTIFY,
    ...(relay ? {
      action: {
        relay: {
          ...(relay.node !== undefined ? { mac: macOf(relay.node) } : {}),
          ...(relay.channel !== undefined ? { channel: relay.channel } : {}),
          state: relay.state,
        },
      },
    } : {}),
  };
}
