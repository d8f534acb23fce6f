import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { priorities } from '../domain/request.js';
import { authed, authedWith, id, INT32_MAX, INT32_MIN, paging, projectParams, requestParams, type RouteDeps } from './route-kit.js';

/** Tiledesk's default list: open and served requests, not temp or abandoned. `status=all` lists everything. */
const defaultStatuses = [100, 200, 300];
const listQuery = paging(40, 100).extend({
  status: z
    .string()
    .regex(/^(all|-?\d+(,-?\d+)*)$/, 'must be "all" or a comma-separated list of status codes')
    .refine((s) => s === 'all' || s.split(',').every((code) => Number(code) >= INT32_MIN && Number(code) <= INT32_MAX), 'status codes are 32-bit integers')
    .optional(),
});
/** The visitor's satisfaction, Tiledesk's names; the comment is bounded like a subject. */
export const RATING_MESSAGE_MAX = 1000;
const ratingFields = {
  rating: z.number().int().min(1).max(5),
  rating_message: z.string().max(RATING_MESSAGE_MAX).nullable().optional(),
};
const ratingBody = z.object(ratingFields).strict();
const patchBody = z
  .object({
    subject: z.string().max(500).nullable().optional(),
    priority: z.enum(priorities).optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    rating: ratingFields.rating.optional(),
    rating_message: ratingFields.rating_message,
  })
  .strict()
  .refine((b) => b.rating_message === undefined || b.rating !== undefined, { message: 'rating_message comes with a rating', path: ['rating'] })
  // Desk members change subject, priority and tags; the visitor rates: one or the other in one call.
  .refine((b) => b.rating === undefined || (b.subject === undefined && b.priority === undefined && b.tags === undefined), {
    message: 'a rating is sent on its own, without subject, priority or tags',
    path: ['rating'],
  });
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
    authedWith(deps, requestParams, async (actor, { pid, rid }) => requests.get(actor, pid, rid)),
  );
  app.patch(
    '/:pid/requests/:rid',
    authedWith(deps, requestParams, async (actor, { pid, rid }, request) => {
      const { rating, rating_message, ...patch } = patchBody.parse(request.body);
      if (rating !== undefined) return requests.rate(actor, pid, rid, { value: rating, message: rating_message ?? null });
      return requests.patch(actor, pid, rid, patch);
    }),
  );
  // Tiledesk's rating route; PUT and PATCH alike.
  for (const method of ['put', 'patch'] as const) {
    app[method](
      '/:pid/requests/:rid/rating',
      authedWith(deps, requestParams, async (actor, { pid, rid }, request) => {
        const body = ratingBody.parse(request.body);
        return requests.rate(actor, pid, rid, { value: body.rating, message: body.rating_message ?? null });
      }),
    );
  }
  app.put(
    '/:pid/requests/:rid/close',
    authedWith(deps, requestParams, async (actor, { pid, rid }) => requests.close(actor, pid, rid)),
  );
  app.put(
    '/:pid/requests/:rid/reopen',
    authedWith(deps, requestParams, async (actor, { pid, rid }) => requests.reopen(actor, pid, rid)),
  );
  app.post(
    '/:pid/requests/:rid/participants',
    authedWith(deps, requestParams, async (actor, { pid, rid }, request) => requests.addParticipant(actor, pid, rid, participantBody.parse(request.body).member)),
  );
  app.delete(
    '/:pid/requests/:rid/participants/:uid',
    authedWith(deps, participantParams, async (actor, { pid, rid, uid }) => requests.removeParticipant(actor, pid, rid, uid)),
  );
}
