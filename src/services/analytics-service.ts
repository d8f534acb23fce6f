/**
 * Tiledesk's analytics routes (`/:pid/analytics/requests/...`, docs/rest.md "Analytics") served from the interval
 * history: the same paths, query parameters and response shapes as Tiledesk's routes/analytics.js, for owners and
 * admins (Tiledesk's minimum role there is admin). The figures are the history's, so they cover imported history
 * and live requests alike, and no request row is read.
 */
import { DeskwireError } from '../domain/errors.js';
import type { HistoryVector } from '../domain/history.js';
import { isAdmin } from '../domain/roles.js';
import { planSettings } from '../metrics/plan-settings.js';
import { readHistoryGroups, type CalendarPart, type HistoryGroup } from '../store/history-groups.js';
import { findProject } from '../store/projects.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { departmentSlice } from './history-service.js';

const DAY_MS = 86_400_000;

/** What every analytics read names: the slice, how far back, and the zone the calendar parts are local to. */
export interface AnalyticsScope {
  /** Undefined: the whole project. */
  departmentId?: string;
  /** Days back from now (Tiledesk's `lastdays`), or null for the whole history. */
  lastDays: number | null;
  /** A fixed UTC offset in minutes (Tiledesk's `timezone=+02:00`), or an IANA zone; undefined: the project's zone. */
  zone?: number | string;
}

type DayKey = { day: number; month: number; year: number };
export type Counted<K> = { _id: K; count: number };

/** PostgreSQL reads a bare "+02:00" as POSIX (east negative); this spelling means UTC+02:00 as ISO 8601 does. */
export function pgZoneOf(zone: number | string): string {
  if (typeof zone === 'string') return zone;
  const sign = zone >= 0 ? '+' : '-';
  const abs = Math.abs(zone);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `<${sign}${hhmm}>${zone >= 0 ? '-' : '+'}${hhmm}`;
}

const meanMs = (seconds: number, count: number) => (count > 0 ? Math.round((seconds / count) * 1000) : null);
const dayKey = (g: HistoryGroup): DayKey => ({ day: g.key.day!, month: g.key.month!, year: g.key.year! });
const newestFirst = (a: HistoryGroup, b: HistoryGroup) =>
  b.key.year! - a.key.year! || b.key.month! - a.key.month! || b.key.day! - a.key.day!;

export class AnalyticsService {
  constructor(private readonly deps: ServiceDeps) {}

  private async groups(actor: Actor, projectId: string, scope: AnalyticsScope, parts: CalendarPart[]): Promise<HistoryGroup[]> {
    const db = this.deps.db;
    const { viewer } = await requireMembership(db, projectId, actor);
    if (!isAdmin(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Analytics are for owners and admins.');
    const project = await findProject(db, projectId);
    if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const departmentId = await departmentSlice(db, projectId, scope.departmentId);
    const pgZone = pgZoneOf(scope.zone ?? planSettings(project.settings).timeZone);
    const from = scope.lastDays === null ? null : Date.now() - scope.lastDays * DAY_MS;
    return readHistoryGroups(db, projectId, { departmentId, from, pgZone, parts });
  }

  /** `requests/count`: `[{totalCount}]`, or `[]` with no request (MongoDB's `$count`). */
  async count(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<{ totalCount: number }[]> {
    return (await this.groups(actor, projectId, scope, [])).map((g) => ({ totalCount: g.sums.arrivals }));
  }

  /** Requests per local day, oldest first. */
  async perDay(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<Counted<{ year: number; month: number; day: number }>[]> {
    const rows = await this.groups(actor, projectId, scope, ['year', 'month', 'day']);
    return rows.map((g) => ({ _id: { year: g.key.year!, month: g.key.month!, day: g.key.day! }, count: g.sums.arrivals }));
  }

  /** Requests per (year, month, Sunday week), oldest first: a week that spans two months is two groups, as in Tiledesk. */
  async perWeek(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<Counted<{ year: number; month: number; week: number }>[]> {
    const rows = await this.groups(actor, projectId, scope, ['year', 'month', 'week']);
    return rows.map((g) => ({ _id: { year: g.key.year!, month: g.key.month!, week: g.key.week! }, count: g.sums.arrivals }));
  }

  async perMonth(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<Counted<{ year: number; month: number }>[]> {
    const rows = await this.groups(actor, projectId, scope, ['year', 'month']);
    return rows.map((g) => ({ _id: { year: g.key.year!, month: g.key.month! }, count: g.sums.arrivals }));
  }

  /** Requests per local hour of day, latest hour first. */
  async perHour(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<Counted<{ hour: number }>[]> {
    const rows = await this.groups(actor, projectId, scope, ['hour']);
    return rows.reverse().map((g) => ({ _id: { hour: g.key.hour! }, count: g.sums.arrivals }));
  }

  /** Requests per (local hour, weekday 1 = Sunday), descending by hour then weekday. */
  async perHourAndWeekday(actor: Actor, projectId: string, scope: AnalyticsScope): Promise<Counted<{ hour: number; weekday: number }>[]> {
    const rows = await this.groups(actor, projectId, scope, ['hour', 'weekday']);
    return rows.reverse().map((g) => ({ _id: { hour: g.key.hour!, weekday: g.key.weekday! }, count: g.sums.arrivals }));
  }

  /** Per local day, newest first: one figure of each day's requests (null when none of them has it). */
  async perDayFigure<F extends string>(actor: Actor, projectId: string, scope: AnalyticsScope, field: F, figure: (v: HistoryVector) => number | null) {
    const rows = await this.groups(actor, projectId, scope, ['year', 'month', 'day']);
    return rows.sort(newestFirst).map((g) => ({ _id: dayKey(g), [field]: figure(g.sums) }) as { _id: DayKey } & Record<F, number | null>);
  }

  /** One figure over the whole range, Tiledesk's `[{_id: project id, …}]`, `[]` with no request. */
  async overall<F extends string>(actor: Actor, projectId: string, scope: AnalyticsScope, field: F, figure: (v: HistoryVector) => number | null) {
    const rows = await this.groups(actor, projectId, scope, []);
    return rows.map((g) => ({ _id: projectId, [field]: figure(g.sums) }) as { _id: string } & Record<F, number | null>);
  }
}

/** Tiledesk's `waiting_time`: milliseconds from arrival to the first agent, averaged over the answered. */
export const waitingMs = (v: HistoryVector) => meanMs(v.first_response_seconds, v.first_response_count);
/** deskwire's duration: milliseconds from an agent taking the conversation to its close, over the handled ones. */
export const durationMs = (v: HistoryVector) => meanMs(v.handle_seconds, v.handle_count);
export const satisfaction = (v: HistoryVector) => (v.rating_count > 0 ? Math.round((v.rating_sum / v.rating_count) * 10_000) / 10_000 : null);
