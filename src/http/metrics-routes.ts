import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authed, authedWith, projectParams, type RouteDeps } from './route-kit.js';

const positive = (max: number) => z.coerce.number().positive().max(max);
/** Every input optional: what is not given is measured or taken from the project's settings. */
const staffingQuery = z
  .object({
    target: z.coerce.number().gt(0).lt(1).optional(),
    within: positive(86_400).optional(),
    max_asa: positive(86_400).optional(),
    arrivals_per_hour: z.coerce.number().min(0).max(1_000_000).optional(),
    aht_seconds: positive(86_400).optional(),
    concurrency: positive(1000).optional(),
  })
  .strict();

/** Live derived metrics and the staffing estimate (docs/metrics.md): owners, admins and supervisors. */
export function metricsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { metrics } = deps.services;
  app.get('/:pid/metrics', authedWith(deps, projectParams, async (actor, { pid }) => metrics.get(actor, pid)));
  app.get(
    '/:pid/metrics/staffing',
    authed(deps, async (actor, request) => {
      const q = staffingQuery.parse(request.query);
      return metrics.staffing(actor, projectParams.parse(request.params).pid, {
        target: q.target,
        withinSeconds: q.within,
        maxAsaSeconds: q.max_asa,
        arrivalsPerHour: q.arrivals_per_hour,
        ahtSeconds: q.aht_seconds,
        concurrency: q.concurrency,
      });
    }),
  );
}
