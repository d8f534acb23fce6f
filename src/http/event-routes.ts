import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EVENT_NAME_PATTERN } from '../domain/contact-event.js';
import { authedWith, id, paging, projectParams, type RouteDeps } from './route-kit.js';

const name = z.string().regex(EVENT_NAME_PATTERN, 'must be 1–128 letters, digits, "_", "-", "." or ":"');
/** Tiledesk's event body. Size and nesting of `attributes` are bounded by the input guard (HTTP_BODY_MAX_*). */
const postBody = z.object({
  name,
  attributes: z.record(z.string(), z.unknown()).optional(),
  lead: id.optional(),
  project_user: id.optional(),
});
const listQuery = z.object({ lead: id.optional(), project_user: id.optional(), name: name.optional() });

export function eventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { events } = deps.services;
  app.post(
    '/:pid/events',
    authedWith(deps, projectParams, async (actor, { pid }, request, reply) => {
      const body = postBody.parse(request.body);
      return reply.code(201).send(await events.post(actor, pid, body));
    }),
  );
  app.get(
    '/:pid/events',
    authedWith(deps, projectParams, async (actor, { pid }, request) => events.list(actor, pid, { ...listQuery.parse(request.query), ...paging(20, 100).parse(request.query) })),
  );
}
