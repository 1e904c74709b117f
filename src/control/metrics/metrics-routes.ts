import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics-service.ts';

/** What {@link metricsRoutes} needs. */
export interface MetricsRouteDeps {
  /** The exporter; `render()` is called once per scrape. */
  readonly metrics: Pick<MetricsService, 'render' | 'contentType'>;
}

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` on the API's server: the Prometheus text exposition, with
 * the API's read access (a `read` or `control` token unless `api.openReads`;
 * Prometheus sends it with `authorization: { credentials_file: ... }`).
 * Left out of the OpenAPI document: it is not JSON and Prometheus is its
 * only client. Register it on the API's app: `metricsRoutes(app, { metrics })`.
 */
export function metricsRoutes(app: FastifyInstance<any, any, any, any, any>, deps: MetricsRouteDeps): void {
  app.get(METRICS_PATH, { schema: { hide: true }, config: { access: 'read' } }, async (_req, reply) => {
    const text = await deps.metrics.render();
    return reply.header('Content-Type', deps.metrics.contentType).header('Cache-Control', 'no-store').send(text);
  });
}
