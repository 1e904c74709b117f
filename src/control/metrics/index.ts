/**
 * The Prometheus exporter: `GET /metrics` on the API's server.
 *
 * ```ts
 * const metrics = new MetricsService({ bus, nodes, commands, counters, sink, udpMeters, now });
 * // a Service: start() subscribes to the bus, stop() unsubscribes
 * metricsRoutes(apiApp, { metrics });
 * ```
 */
export { METRIC_FAMILIES, METRICS_CONTENT_TYPE, renderExposition } from './exposition.ts';
export { COMMAND_STATUSES, UDP_INVALID_REASONS } from './gateway-families.ts';
export type { MetricFamily, Sample } from './metric-family.ts';
export { completeMetricsKeys, METRICS_FILE_KEYS, metricsChecks, type MetricsConfig, type UdpMetersConfig } from './metrics-config.ts';
export { MetricsService, type MetricsDeps } from './metrics-service.ts';
export { METRICS_PATH, metricsRoutes, type MetricsRouteDeps } from './metrics-routes.ts';
export type { GatewayCounters, MetricsSnapshot, SinkMetrics, UdpInvalidReason, UdpMeterCounters } from './metrics-snapshot.ts';
