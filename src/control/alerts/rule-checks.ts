import { normalizeMac } from '../../protocol/mac.ts';
import type { RuleFile } from './alerts-config.ts';

const CONDITION_HINT = 'give one condition: health, lostShareAbove, measurement with field, or gateway';

/**
 * Problems across a rule's keys, which zod's shape alone cannot say: exactly
 * one condition, keys that only fit some conditions, a webhook to notify,
 * a relay action with a node and channel to switch. As [key, message]; key
 * undefined = the rule itself.
 */
export function ruleProblems(rule: RuleFile, hasWebhook: boolean): Array<[string | undefined, string]> {
  const kinds = [rule.health !== undefined, rule.lostShareAbove !== undefined, rule.measurement !== undefined || rule.field !== undefined, rule.gateway !== undefined];
  const problems: Array<[string | undefined, string]> = [];
  if (kinds.filter(Boolean).length !== 1) problems.push([undefined, CONDITION_HINT]);
  const isField = kinds[2] && kinds.filter(Boolean).length === 1;
  if (isField && rule.measurement === undefined) problems.push(['measurement', 'required with field']);
  if (isField && rule.field === undefined) problems.push(['field', 'required with measurement']);
  if (isField && rule.above === undefined && rule.below === undefined) problems.push(['above', 'a field condition needs above or below (or both)']);
  if (!isField && rule.channel !== undefined) problems.push(['channel', 'only for a field condition']);
  if (!isField && rule.below !== undefined) problems.push(['below', 'only for a field condition']);
  if (rule.gateway !== undefined && (rule.node !== undefined || rule.room !== undefined)) problems.push([rule.node !== undefined ? 'node' : 'room', 'not for a gateway condition']);
  if (rule.gateway === 'spoolAbove' && (rule.above === undefined || rule.above < 0 || rule.above > 100)) problems.push(['above', 'spoolAbove needs above: a percentage of spool.maxBytes (0..100)']);
  if (rule.gateway !== 'spoolAbove' && !isField && rule.above !== undefined) problems.push(['above', 'only for a field condition or gateway: spoolAbove']);
  if (rule.after !== undefined && rule.gateway !== 'brokerSilent') problems.push(['after', 'only for gateway: brokerSilent']);
  if (rule.node !== undefined && rule.node !== '*' && macOf(rule.node) === undefined && !(kinds[0] || kinds[1])) {
    problems.push(['node', 'not a MAC address (12 hex digits) or "*"']);
  }
  if (rule.notify?.includes('webhook') === true && !hasWebhook) problems.push(['notify', 'webhook needs alerts.webhook.url']);
  const relay = rule.action?.relay;
  if (relay?.node !== undefined && macOf(relay.node) === undefined) problems.push(['action', `relay.node: not a MAC address (12 hex digits): ${relay.node}`]);
  if (relay && relay.node === undefined && (rule.gateway !== undefined)) problems.push(['action', 'relay.node: required for a gateway condition (the alert has no node)']);
  if (relay && relay.channel === undefined && !isField) problems.push(['action', 'relay.channel: required unless the condition is on a field of a channel']);
  return problems;
}

/** 12 lower-case hex digits, or undefined when `text` is not a MAC. */
export function macOf(text: string): string | undefined {
  try {
    return normalizeMac(text);
  } catch {
    return undefined;
  }
}

