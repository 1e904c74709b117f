import { Counter, Gauge, Registry } from 'prom-client';
import { GATEWAY_FAMILIES } from './gateway-families.ts';
import type { MetricFamily } from './metric-family.ts';
import type { MetricsSnapshot } from './metrics-snapshot.ts';
import { NODE_FAMILIES } from './node-families.ts';

/** Every family of `/metrics`, in the order printed: nodes and channels first, then the gateway's own health. */
export const METRIC_FAMILIES: readonly MetricFamily[] = [...NODE_FAMILIES, ...GATEWAY_FAMILIES];

/** `Content-Type` of the exposition: Prometheus text format 0.0.4. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The Prometheus text exposition of one snapshot. Each family is a
 * prom-client Counter or Gauge whose `collect()` fills it from the snapshot
 * when the registry is read: the values are the nodes' and the gateway's own
 * (the energy counter is the node's counter, never summed here), and a node
 * the registry forgot has no series left. A family with labels but no sample
 * prints its HELP and TYPE lines only; an optional family without labels and
 * without a value is left out. Pure apart from prom-client's async API.
 */
export async function renderExposition(snapshot: MetricsSnapshot, families: readonly MetricFamily[] = METRIC_FAMILIES): Promise<string> {
  const registry = new Registry();
  for (const family of families) {
    const samples = [...family.samples(snapshot)];
    if (family.labels.length === 0 && family.optional && samples.length === 0) continue;
    const config = {
      name: family.name, help: family.help, labelNames: family.labels, registers: [registry],
      collect(this: Counter<string> | Gauge<string>) {
        this.reset();
        for (const { labels, value } of samples) {
          if (this instanceof Counter) this.inc(labels, value);
          else this.set(labels, value);
        }
      },
    };
    if (family.type === 'counter') new Counter(config);
    else new Gauge(config);
  }
  return registry.metrics();
}
