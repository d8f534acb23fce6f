import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authed, projectParams, type RouteDeps } from './route-kit.js';

const createBody = z.object({ name: z.string().trim().min(1).max(200) });
const updateBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    settings: z
      .object({
        chat_limit_on: z.boolean().optional(),
        max_agent_assigned_chat: z.number().int().min(0).max(1000).optional(),
        service_level_target: z.number().min(0).max(1).optional(),
        service_level_seconds: z.number().int().min(1).max(86_400).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export function projectRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { projects } = deps.services;
  app.post(
    '/projects',
    authed(deps, async (actor, request, reply) => reply.code(201).send(await projects.create(actor, createBody.parse(request.body).name))),
  );
  app.get('/projects', authed(deps, async (actor) => projects.listMine(actor)));
  app.get('/projects/:pid', authed(deps, async (actor, request) => projects.get(actor, projectParams.parse(request.params).pid)));
  app.put(
    '/projects/:pid',
    authed(deps, async (actor, request) => {
      const body = updateBody.parse(request.body);
      return projects.update(actor, projectParams.parse(request.params).pid, body);
    }),
  );
}
