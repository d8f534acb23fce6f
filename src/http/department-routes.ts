import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authedWith, id, projectParams, type RouteDeps } from './route-kit.js';

const fields = {
  name: z.string().trim().min(1).max(200),
  routing: z.enum(['pooled', 'assigned']),
  members: z.array(id).max(1000),
  default: z.boolean(),
};
const createBody = z.object({ ...fields, routing: fields.routing.optional(), members: fields.members.optional(), default: fields.default.optional() }).strict();
const updateBody = z.object(fields).partial().strict();
const depParams = z.object({ pid: id, did: id });

export function departmentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { departments } = deps.services;
  app.get('/:pid/departments', authedWith(deps, projectParams, async (actor, { pid }) => departments.list(actor, pid)));
  app.get(
    '/:pid/departments/:did',
    authedWith(deps, depParams, async (actor, { pid, did }) => departments.get(actor, pid, did)),
  );
  app.post(
    '/:pid/departments',
    authedWith(deps, projectParams, async (actor, { pid }, request, reply) =>
      reply.code(201).send(await departments.create(actor, pid, createBody.parse(request.body))),
    ),
  );
  app.put(
    '/:pid/departments/:did',
    authedWith(deps, depParams, async (actor, { pid, did }, request) => departments.update(actor, pid, did, updateBody.parse(request.body))),
  );
  app.delete(
    '/:pid/departments/:did',
    authedWith(deps, depParams, async (actor, { pid, did }, _request, reply) => {
      await departments.remove(actor, pid, did);
      return reply.code(204).send();
    }),
  );
}
