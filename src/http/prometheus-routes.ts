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
  // Error bodies are small JSON objects from the catalogue: their code is the label.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = /^\{"error":"([A-Z_]+)"/.exec(payload)?.[1];
      if (code) metrics.httpErrors.inc({ code });
    }
    return payload;
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
