import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isTimeZone } from '../domain/project.js';
import { durationMs, satisfaction, waitingMs, type AnalyticsScope } from '../services/analytics-service.js';
import { HISTORY_RANGE_MAX_DAYS } from '../services/history-service.js';
import type { Actor } from '../services/context.js';
import { authedWith, id, projectParams, type RouteDeps } from './route-kit.js';

const DAY_S = 86_400;

/**
 * Tiledesk's `timezone`: a UTC offset (`+02:00`, `-0530`; whole quarters, at most 14 h) or, as deskwire adds, an
 * IANA zone. Offsets become minutes east of UTC.
 */
const timezone = z.string().transform((text, ctx) => {
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    if (minutes <= 14 * 60 && minutes % 15 === 0) return (offset[1] === '-' ? -1 : 1) * minutes;
  } else if (isTimeZone(text)) return text;
  ctx.addIssue({ code: 'custom', message: 'must be a UTC offset such as +02:00 (whole quarters of an hour, at most 14 hours) or an IANA zone such as Europe/Rome' });
  return z.NEVER;
});
/** Tiledesk's dashboard sends `department_id=` (empty) for the whole project. */
const departmentId = z.union([z.literal(''), id]).optional().transform((v) => v || undefined);
const lastdays = z.coerce.number().int().min(1).max(HISTORY_RANGE_MAX_DAYS);
/** Filters Tiledesk has and the history cannot apply (it is kept per department, not per agent or channel). */
const notKept = (what: string) => z.literal('', { message: `the history is not kept per ${what}; leave it out or empty` }).optional();

const dayQuery = z.object({ lastdays: lastdays.default(7), department_id: departmentId, participant: notKept('agent'), channel: notKept('channel'), timezone: timezone.optional() }).strict();
const sliceQuery = z.object({ department_id: departmentId, timezone: timezone.optional() }).strict();
const zoneQuery = z.object({ timezone: timezone.optional() }).strict();
const lastQuery = z.object({ last: z.coerce.number().int().min(1).max(HISTORY_RANGE_MAX_DAYS * DAY_S).default(30 * DAY_S), timezone: timezone.optional() }).strict();

type Scoped = (actor: Actor, pid: string, scope: AnalyticsScope) => Promise<unknown>;

/** Tiledesk's analytics routes, answered from the interval history (docs/rest.md, "Analytics"). */
export function analyticsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const a = deps.services.analytics;
  const route = (path: string, toScope: (query: unknown) => AnalyticsScope, answer: Scoped) =>
    app.get(
      `/:pid/analytics/requests${path}`,
      authedWith(deps, projectParams, async (actor, { pid }, request) => answer(actor, pid, toScope(request.query))),
    );
  const days = (q: unknown): AnalyticsScope => {
    const p = dayQuery.parse(q);
    return { lastDays: p.lastdays, departmentId: p.department_id, zone: p.timezone };
  };
  const allTime = (q: unknown): AnalyticsScope => {
    const p = sliceQuery.parse(q);
    return { lastDays: null, departmentId: p.department_id, zone: p.timezone };
  };
  const fixed = (lastDays: number | null) => (q: unknown): AnalyticsScope => ({ lastDays, zone: zoneQuery.parse(q).timezone });

  route('/count', fixed(30), (actor, pid, s) => a.count(actor, pid, s));
  route('/aggregate/day', days, (actor, pid, s) => a.perDay(actor, pid, s));
  route('/aggregate/week', allTime, (actor, pid, s) => a.perWeek(actor, pid, s));
  route('/aggregate/month', allTime, (actor, pid, s) => a.perMonth(actor, pid, s));
  route('/aggregate/hours', fixed(30), (actor, pid, s) => a.perHour(actor, pid, s));
  route('/aggregate/dayoftheweek/hours', fixed(30), (actor, pid, s) => a.perHourAndWeekday(actor, pid, s));
  route(
    '/waiting',
    (q) => {
      const p = lastQuery.parse(q);
      return { lastDays: p.last / DAY_S, zone: p.timezone };
    },
    (actor, pid, s) => a.overall(actor, pid, s, 'waiting_time_avg', waitingMs),
  );
  route('/waiting/day', days, (actor, pid, s) => a.perDayFigure(actor, pid, s, 'waiting_time_avg', waitingMs));
  route('/duration', fixed(30), (actor, pid, s) => a.overall(actor, pid, s, 'duration_avg', durationMs));
  route('/duration/day', days, (actor, pid, s) => a.perDayFigure(actor, pid, s, 'duration_avg', durationMs));
  route('/satisfaction', fixed(null), (actor, pid, s) => a.overall(actor, pid, s, 'satisfaction_avg', satisfaction));
  route('/satisfaction/day', days, (actor, pid, s) => a.perDayFigure(actor, pid, s, 'satisfaction_avg', satisfaction));
}
