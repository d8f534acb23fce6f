import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { authRoutes } from './auth-routes.js';
import { departmentRoutes } from './department-routes.js';
import { sendError } from './error-response.js';
import { healthRoutes } from './health-routes.js';
import { messageRoutes } from './message-routes.js';
import { projectRoutes } from './project-routes.js';
import { projectUserRoutes } from './project-user-routes.js';
import { requestRoutes } from './request-routes.js';
import type { RouteDeps } from './route-kit.js';

export interface HttpOptions {
  bodyLimit: number;
  logger: FastifyServerOptions['loggerInstance'];
  /** Supplies the Node server so the Realtime gateway can share the port. */
  serverFactory: FastifyServerOptions['serverFactory'];
}

/** The REST API: Tiledesk-compatible paths and shapes, one error shape for every failure. */
export function buildHttpApp(deps: RouteDeps & { db: Db }, options: HttpOptions): FastifyInstance {
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
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });
  app.setErrorHandler((error, _request, reply) => sendError(reply, error));
  app.setNotFoundHandler((request, reply) => sendError(reply, new DeskwireError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`)));
  healthRoutes(app, deps.db);
  authRoutes(app, deps);
  projectRoutes(app, deps);
  projectUserRoutes(app, deps);
  departmentRoutes(app, deps);
  requestRoutes(app, deps);
  messageRoutes(app, deps);
  return app;
}
