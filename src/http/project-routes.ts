import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_RANGES } from '../domain/alerts.js';
import { DEFAULT_HANDLE_SECONDS_RANGE } from '../domain/project.js';
import { isTimeZone } from '../domain/project.js';
import type { LimitOverrides, OverridableLimit } from '../domain/limit-overrides.js';
import { overridableLimits } from '../limits/budgets.js';
import { authed, authedWith, projectParams, type RouteDeps } from './route-kit.js';

/** Each overridable limit: the project's override (or null) and the ceiling an owner may raise it to. */
function limitsView(deps: RouteDeps, overrides: LimitOverrides) {
  return Object.fromEntries(
    (Object.keys(overridableLimits) as OverridableLimit[]).map((l) => [l, { override: overrides[l] ?? null, ceiling: deps.budgets.ceiling(l) }]),
  );
}

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
        ignore_presence: z.boolean().optional(),
        default_handle_seconds: z.number().int().min(DEFAULT_HANDLE_SECONDS_RANGE.min).max(DEFAULT_HANDLE_SECONDS_RANGE.max).optional(),
        time_zone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Rome').optional(),
        alerts: z
          .object({
            waiting_above: z.number().int().min(ALERT_RANGES.waiting_above.min).max(ALERT_RANGES.waiting_above.max).nullable().optional(),
            longest_wait_above_seconds: z
              .number()
              .int()
              .min(ALERT_RANGES.longest_wait_above_seconds.min)
              .max(ALERT_RANGES.longest_wait_above_seconds.max)
              .nullable()
              .optional(),
            service_level_below_target: z.boolean().optional(),
            forecast_shortfall: z.boolean().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const limitValue = z.number().int().min(1).nullable().optional();
const limitsBody = z
  .object(Object.fromEntries(Object.keys(overridableLimits).map((k) => [k, limitValue])) as Record<OverridableLimit, typeof limitValue>)
  .strict();

export function projectRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { projects } = deps.services;
  app.post(
    '/projects',
    authed(deps, async (actor, request, reply) => reply.code(201).send(await projects.create(actor, createBody.parse(request.body).name))),
  );
  app.get('/projects', authed(deps, async (actor) => projects.listMine(actor)));
  app.get('/projects/:pid', authedWith(deps, projectParams, async (actor, { pid }) => projects.get(actor, pid)));
  app.get(
    '/projects/:pid/limits',
    authedWith(deps, projectParams, async (actor, { pid }) => {
      await projects.get(actor, pid);
      return limitsView(deps, await projects.limitOverrides(pid));
    }),
  );
  app.put(
    '/projects/:pid/limits',
    authedWith(deps, projectParams, async (actor, { pid }, request) => {
      const overrides = await projects.setLimitOverrides(actor, pid, limitsBody.parse(request.body), (l) => deps.budgets.ceiling(l));
      return limitsView(deps, overrides);
    }),
  );
  app.put(
    '/projects/:pid',
    authed(deps, async (actor, request) => {
      const body = updateBody.parse(request.body);
      return projects.update(actor, projectParams.parse(request.params).pid, body);
    }),
  );
}
