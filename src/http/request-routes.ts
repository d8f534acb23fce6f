import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { priorities } from '../domain/request.js';
import { authed, id, INT32_MAX, INT32_MIN, paging, projectParams, requestParams, type RouteDeps } from './route-kit.js';

/** Tiledesk's default list: open and served requests, not temp or abandoned. `status=all` lists everything. */
const defaultStatuses = [100, 200, 300];
const listQuery = paging(40, 100).extend({
  status: z
    .string()
    .regex(/^(all|-?\d+(,-?\d+)*)$/, 'must be "all" or a comma-separated list of status codes')
    .refine((s) => s === 'all' || s.split(',').every((code) => Number(code) >= INT32_MIN && Number(code) <= INT32_MAX), 'status codes are 32-bit integers')
    .optional(),
});
const patchBody = z
  .object({
    subject: z.string().max(500).nullable().optional(),
    priority: z.enum(priorities).optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .strict();
const participantBody = z.object({ member: id });
const participantParams = z.object({ pid: id, rid: id, uid: id });

export function requestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { requests } = deps.services;
  app.get(
    '/:pid/requests',
    authed(deps, async (actor, request) => {
      const q = listQuery.parse(request.query);
      const statuses = q.status === 'all' ? null : q.status ? q.status.split(',').map(Number) : defaultStatuses;
      return requests.list(actor, projectParams.parse(request.params).pid, { page: q.page, limit: q.limit, statuses });
    }),
  );
  app.get(
    '/:pid/requests/:rid',
    authed(deps, async (actor, request) => {
      const { pid, rid } = requestParams.parse(request.params);
      return requests.get(actor, pid, rid);
    }),
  );
  app.patch(
    '/:pid/requests/:rid',
    authed(deps, async (actor, request) => {
      const { pid, rid } = requestParams.parse(request.params);
      return requests.patch(actor, pid, rid, patchBody.parse(request.body));
    }),
  );
  app.put(
    '/:pid/requests/:rid/close',
    authed(deps, async (actor, request) => {
      const { pid, rid } = requestParams.parse(request.params);
      return requests.close(actor, pid, rid);
    }),
  );
  app.put(
    '/:pid/requests/:rid/reopen',
    authed(deps, async (actor, request) => {
      const { pid, rid } = requestParams.parse(request.params);
      return requests.reopen(actor, pid, rid);
    }),
  );
  app.post(
    '/:pid/requests/:rid/participants',
    authed(deps, async (actor, request) => {
      const { pid, rid } = requestParams.parse(request.params);
      return requests.addParticipant(actor, pid, rid, participantBody.parse(request.body).member);
    }),
  );
  app.delete(
    '/:pid/requests/:rid/participants/:uid',
    authed(deps, async (actor, request) => {
      const { pid, rid, uid } = participantParams.parse(request.params);
      return requests.removeParticipant(actor, pid, rid, uid);
    }),
  );
}
