/** Labels of one alert instance: `node` and `room` (and `channel`) for node conditions, `gateway` for gateway ones. */
export type AlertLabels = Readonly<Record<string, string>>;

/** One label set's condition at one evaluation. */
export interface AlertSample {
  readonly labels: AlertLabels;
  /** True while the condition holds. */
  readonly active: boolean;
  /** The number the condition looked at, in its unit (W, %RH, s silent, share lost, % of the spool). */
  readonly value: number;
}

/** An alert instance that is pending or firing (inactive ones are not kept). */
export interface AlertInstance {
  readonly rule: string;
  readonly labels: AlertLabels;
  readonly state: 'pending' | 'firing';
  /** When the condition started to hold, ms since the epoch. */
  readonly activeSinceMs: number;
  /** When it went firing, ms since the epoch. */
  readonly firedMs?: number;
  /** The last value seen. */
  readonly value: number;
}

/**
 * A change of one instance. `pending` and `inactive` (a pending condition
 * that stopped holding before `for`) are not notified; `firing` and
 * `resolved` are.
 */
export interface AlertChange {
  readonly rule: string;
  readonly labels: AlertLabels;
  readonly state: 'pending' | 'firing' | 'resolved' | 'inactive';
  readonly value: number;
  /** When the instance entered `state`, ms since the epoch. */
  readonly sinceMs: number;
  /** When the condition started to hold, ms since the epoch. */
  readonly activeSinceMs: number;
}

/** What {@link evaluateRule} returns: the instances now pending or firing, and what changed. */
export interface RuleEvaluation {
  readonly instances: ReadonlyMap<string, AlertInstance>;
  readonly changes: readonly AlertChange[];
}

/** A stable key of a label set (order of keys does not matter). */
export const labelKey = (labels: AlertLabels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * One evaluation of a rule, as Prometheus' alerting rules: a label set whose
 * condition starts to hold is `pending`, and `firing` once it has held for
 * `forMs` (at once when 0); a pending one whose condition stops holding goes
 * back to inactive, a firing one is `resolved`. `samples` is every label set
 * the rule sees now; an instance with no sample is treated as not holding.
 */
export function evaluateRule(
  rule: { readonly name: string; readonly forMs: number },
  previous: ReadonlyMap<string, AlertInstance>, samples: readonly AlertSample[], nowMs: number,
): RuleEvaluation {
  const instances = new Map<string, AlertInstance>();
  const changes: AlertChange[] = [];
  const seen = new Set<string>();
  for (const sample of samples) {
    const key = labelKey(sample.labels);
    seen.add(key);
    const before = previous.get(key);
    const next = step(rule, before, sample, nowMs);
    if (next) instances.set(key, next);
    const change = changeOf(before, next, sample, nowMs);
    if (change) changes.push(change);
  }
  for (const [key, before] of previous) {
    if (seen.has(key)) continue;
    changes.push(changeOf(before, undefined, { labels: before.labels, active: false, value: before.value }, nowMs)!);
  }
  return { instances, changes };
}

function step(rule: { name: string; forMs: number }, before: AlertInstance | undefined, sample: AlertSample, nowMs: number): AlertInstance | undefined {
  if (!sample.active) return undefined;
  const activeSinceMs = before?.activeSinceMs ?? nowMs;
  if (before?.state === 'firing') return { ...before, value: sample.value };
  if (nowMs - activeSinceMs >= rule.forMs) {
    return { rule: rule.name, labels: sample.labels, state: 'firing', activeSinceMs, firedMs: nowMs, value: sample.value };
  }
  return { rule: rule.name, labels: sample.labels, state: 'pending', activeSinceMs, value: sample.value };
}

function changeOf(before: AlertInstance | undefined, next: AlertInstance | undefined, sample: AlertSample, nowMs: number): AlertChange | undefined {
  if (before?.state === next?.state) return undefined;
  const base = { labels: sample.labels, value: sample.value, sinceMs: nowMs };
  if (next) return { rule: next.rule, ...base, state: next.state, activeSinceMs: next.activeSinceMs };
  return { rule: before!.rule, ...base, state: before!.state === 'firing' ? 'resolved' : 'inactive', activeSinceMs: before!.activeSinceMs };
}
