import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeskwireError } from '../domain/errors.js';
import { findUnstorable } from '../domain/storable-text.js';
import type { HistoryBucket } from '../store/history.js';
import type { HistoryInterval } from '../services/history-service.js';
import { MAX_HORIZON_HOURS } from '../metrics/forecast-timeline.js';
import { authed, authedWith, id, projectParams, type RouteDeps } from './route-kit.js';

/** Largest CSV a history import takes (about 300,000 rows); beyond it 413 BODY_TOO_LARGE. */
export const HISTORY_IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date and time with a zone, e.g. 2026-03-02T00:00:00Z' });
const historyQuery = z
  .object({
    from: instant,
    to: instant,
    interval: z.enum(['15m', '60m', '1d']).default('15m'),
    department: id.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();
const forecastQuery = z
  .object({
    horizon: z
      .string()
      .default('24h')
      .pipe(z.string().regex(/^\d{1,4}[hd]$/, 'must be hours or days, e.g. 24h or 7d')
      .transform((s) => Number(s.slice(0, -1)) * (s.endsWith('d') ? 24 : 1))
      .refine((h) => h >= 1 && h <= MAX_HORIZON_HOURS, `must be from 1h to ${MAX_HORIZON_HOURS}h (7d)`)),
    interval: z.enum(['15m', '60m']).default('15m'),
    department: id.optional(),
  })
  .strict();

const CSV_HEADER = 'start,end,arrivals,answered,abandoned,service_level_met,service_level_missed,service_level_value,first_response_count,first_response_mean_seconds,handle_time_count,handle_time_mean_seconds,rating_count,rating_mean';
const cell = (v: number | string | null) => (v === null ? '' : String(v));

export function historyCsv(intervals: readonly HistoryInterval[]): string {
  const lines = intervals.map((i) =>
    [i.start, i.end, i.arrivals, i.answered, i.abandoned, i.service_level.met, i.service_level.missed, i.service_level.value, i.first_response.count,
      i.first_response.mean_seconds, i.handle_time.count, i.handle_time.mean_seconds, i.rating.count, i.rating.mean].map(cell).join(','),
  );
  return `${CSV_HEADER}\r\n${lines.map((l) => `${l}\r\n`).join('')}`;
}

/** Interval history, its import, and the forecast with its staffing plan (docs/rest.md, docs/metrics.md). */
export function historyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { history, forecast } = deps.services;
  // CSV bodies arrive as text; like every other body, nothing the store cannot hold gets past the edge.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => {
    const found = findUnstorable(body as string);
    if (found) done(new DeskwireError('BODY_INVALID', `The file holds ${found.reason}.`), undefined);
    else done(null, body);
  });

  app.get(
    '/:pid/metrics/history',
    authed(deps, async (actor, request, reply) => {
      const q = historyQuery.parse(request.query);
      const answer = await history.read(actor, projectParams.parse(request.params).pid, {
        from: Date.parse(q.from),
        to: Date.parse(q.to),
        interval: q.interval satisfies HistoryBucket,
        departmentId: q.department,
      });
      if (q.format === 'json') return answer;
      reply.header('content-type', 'text/csv; charset=utf-8');
      return historyCsv(answer.intervals);
    }),
  );
  app.post(
    '/:pid/history/import',
    { bodyLimit: HISTORY_IMPORT_MAX_BYTES },
    authedWith(deps, projectParams, async (actor, { pid }, request) => {
      if (typeof request.body !== 'string') throw new DeskwireError('BODY_INVALID', 'Send the file as text/csv.');
      return history.import(actor, pid, request.body);
    }),
  );
  app.get(
    '/:pid/metrics/forecast',
    authed(deps, async (actor, request) => {
      const q = forecastQuery.parse(request.query);
      return forecast.forecast(actor, projectParams.parse(request.params).pid, {
        horizonHours: q.horizon,
        intervalMinutes: q.interval === '15m' ? 15 : 60,
        departmentId: q.department,
      });
    }),
  );
}
