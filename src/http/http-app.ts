import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import { transportAllowed } from '../net/forwarded.js';
import type { Db } from '../store/db.js';
import { authRoutes } from './auth-routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { departmentRoutes } from './department-routes.js';
import { sendError } from './error-response.js';
import { healthRoutes, type ReadinessPolicy } from './health-routes.js';
import { alertRoutes } from './alert-routes.js';
import { historyRoutes } from './history-routes.js';
import { analyticsRoutes } from './analytics-routes.js';
import { guardInput } from './input-guard.js';
import { prometheusRoutes } from './prometheus-routes.js';
import type { NodeMetrics } from '../observability/prometheus.js';
import { eventRoutes } from './event-routes.js';
import { messageRoutes } from './message-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { projectRoutes } from './project-routes.js';
import { projectUserRoutes } from './project-user-routes.js';
import { requestRoutes } from './request-routes.js';
import type { RouteDeps } from './route-kit.js';

export interface HttpOptions {
  bodyLimit: number;
  /** Deepest nesting a JSON body may have (`HTTP_BODY_MAX_DEPTH`). */
  bodyMaxDepth: number;
  logger: FastifyServerOptions['loggerInstance'];
  /** Supplies the Node server so the Realtime gateway can share the port. */
  serverFactory: FastifyServerOptions['serverFactory'];
  /** Served over native TLS: send Strict-Transport-Security. */
  hsts: boolean;
  /** Behind a trusted TLS-terminating proxy: refuse requests it did not receive over https (PROTOCOL §7). */
  trustProxy: boolean;
}

/** Load balancers probe nodes directly, without the proxy's headers: health checks stay reachable. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);
/** One year, the usual HSTS policy once TLS is the only way in. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** The REST API: Tiledesk-compatible paths and shapes, one error shape for every failure. */
export function buildHttpApp(
  deps: RouteDeps & { db: Db; metrics: NodeMetrics; readiness: ReadinessPolicy; isDraining?: () => boolean },
  options: HttpOptions,
): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    serverFactory: options.serverFactory,
    // Tokens may travel in query strings (Realtime API); keep URLs out of request logs.
    logController: new LogController({ disableRequestLogging: true }),
    // Tiledesk clients call paths with and without a trailing slash.
    // Ids may be 128 characters; the router's default limit (100) would refuse them with its own error shape.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Malformed URLs are refused by the router before any route: give them the catalogue's shape too.
    frameworkErrors: (error, _request, reply) => sendError(reply, error),
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!transportAllowed(request.raw, options.trustProxy) && !PROBE_PATHS.has(request.url.split('?')[0]!)) {
      return sendError(reply, new DeskwireError('TLS_REQUIRED'));
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    if (options.hsts) reply.header('strict-transport-security', HSTS);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });
  guardInput(app, options.bodyMaxDepth);
  app.setErrorHandler((error, _request, reply) => sendError(reply, error));
  app.setNotFoundHandler((request, reply) => sendError(reply, new DeskwireError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`)));
  prometheusRoutes(app, deps.metrics);
  healthRoutes(app, deps.readiness, deps.isDraining);
  authRoutes(app, deps);
  projectRoutes(app, deps);
  projectUserRoutes(app, deps);
  departmentRoutes(app, deps);
  requestRoutes(app, deps);
  messageRoutes(app, deps);
  eventRoutes(app, deps);
  metricsRoutes(app, deps);
  historyRoutes(app, deps);
  alertRoutes(app, deps);
  analyticsRoutes(app, deps);
  dashboardRoutes(app);
  return app;
}
