import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { roles } from '../domain/roles.js';
import { authed, authedWith, id, projectParams, type RouteDeps } from './route-kit.js';

const roleList = z
  .string()
  .transform((s) => s.split(',').map((r) => r.trim()))
  .pipe(z.array(z.enum(roles)));
const listQuery = z.object({ role: roleList.optional() });
const selfBody = z
  .object({ user_available: z.boolean().optional(), profileStatus: z.string().max(100).optional(), takes_chats: z.boolean().optional() })
  .strict();
const adminBody = z
  .object({
    role: z.enum(roles).optional(),
    max_assigned_chat: z.number().int().min(0).max(1000).nullable().optional(),
    status: z.enum(['active', 'disabled']).optional(),
    user_available: z.boolean().optional(),
    takes_chats: z.boolean().optional(),
  })
  .strict();
const inviteBody = z.object({ email: z.email().max(254), role: z.enum(roles) });
const puParams = z.object({ pid: id, puid: id });

export function projectUserRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { projectUsers } = deps.services;
  app.get(
    '/:pid/project_users',
    authedWith(deps, projectParams, async (actor, { pid }, request) => projectUsers.list(actor, pid, listQuery.parse(request.query).role)),
  );
  app.get('/:pid/project_users/me', authedWith(deps, projectParams, async (actor, { pid }) => projectUsers.me(actor, pid)));
  app.get(
    '/:pid/project_users/:puid',
    authedWith(deps, puParams, async (actor, { pid, puid }) => projectUsers.get(actor, pid, puid)),
  );
  app.put(
    '/:pid/project_users',
    authedWith(deps, projectParams, async (actor, { pid }, request) => projectUsers.updateSelf(actor, pid, selfBody.parse(request.body))),
  );
  app.put(
    '/:pid/project_users/:puid',
    authedWith(deps, puParams, async (actor, { pid, puid }, request) => projectUsers.updateByAdmin(actor, pid, puid, adminBody.parse(request.body))),
  );
  app.post(
    '/:pid/project_users/invite',
    authed(deps, async (actor, request, reply) => {
      const body = inviteBody.parse(request.body);
      return reply.code(201).send(await projectUsers.invite(actor, projectParams.parse(request.params).pid, body.email, body.role));
    }),
  );
}
