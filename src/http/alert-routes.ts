import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authed, projectParams, type RouteDeps } from './route-kit.js';

/** How many alerts `?state=all` lists at most, and by default. */
export const ALERTS_LIST_MAX = 500;
const ALERTS_LIST_DEFAULT = 50;

const listQuery = z
  .object({
    state: z.enum(['raised', 'all']).default('raised'),
    limit: z.coerce.number().int().min(1).max(ALERTS_LIST_MAX).default(ALERTS_LIST_DEFAULT),
  })
  .strict();

/** `GET /:pid/alerts` (docs/rest.md): the raised alerts, or with `state=all` the recent ones too, newest first. */
export function alertRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { alerts } = deps.services;
  app.get(
    '/:pid/alerts',
    authed(deps, async (actor, request) => {
      const q = listQuery.parse(request.query);
      return alerts.list(actor, projectParams.parse(request.params).pid, { all: q.state === 'all', limit: q.limit });
    }),
  );
}
