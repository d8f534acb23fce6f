import type { FastifyInstance } from 'fastify';
import type { NodeMetrics } from '../observability/prometheus.js';

/** `/metrics` in the Prometheus text format, and the hook that counts every REST answer by route pattern. */
export function prometheusRoutes(app: FastifyInstance, metrics: NodeMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the URL: ids would explode the label set and a query may hold a token.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
