/**
 * The interval history summed by calendar parts of the project's local time (day of month, ISO-less week, hour,
 * weekday …): what the Tiledesk analytics routes group by. Every 15-minute row lies inside one local hour in every
 * zone with a whole-quarter offset, so the sums are exact; raw request rows are never read.
 */
import { HISTORY_FIELDS, type HistoryVector } from '../domain/history.js';
import type { Queryable } from './db.js';

/**
 * Calendar parts in the numbering Tiledesk's (MongoDB's) operators use: `weekday` 1 = Sunday … 7 = Saturday
 * ($dayOfWeek); `week` 0–53, weeks starting on Sunday, days before the year's first Sunday in week 0 ($week).
 */
export const CALENDAR_PARTS = {
  year: 'extract(year FROM lt)',
  month: 'extract(month FROM lt)',
  day: 'extract(day FROM lt)',
  week: 'floor((extract(doy FROM lt) + 6 - extract(dow FROM lt)) / 7)',
  hour: 'extract(hour FROM lt)',
  weekday: 'extract(dow FROM lt) + 1',
} as const;
export type CalendarPart = keyof typeof CALENDAR_PARTS;

export interface HistoryGroupQuery {
  /** PROJECT_TOTAL ('') for the whole project. */
  departmentId: string;
  /** Epoch ms: rows of intervals starting at or after it; null for the whole history. */
  from: number | null;
  /** A zone PostgreSQL understands with `AT TIME ZONE` (an IANA name, or a POSIX string for a fixed offset). */
  pgZone: string;
  /** Group keys, in order; none sums the whole range into one group. */
  parts: readonly CalendarPart[];
}

export interface HistoryGroup {
  key: Partial<Record<CalendarPart, number>>;
  sums: HistoryVector;
}

/** One group per combination of the parts that holds at least one arrival, ordered by the parts ascending. */
export async function readHistoryGroups(q: Queryable, projectId: string, query: HistoryGroupQuery): Promise<HistoryGroup[]> {
  const keys = query.parts.map((p) => `${CALENDAR_PARTS[p]} AS ${p}`);
  const positions = query.parts.map((_, i) => String(i + 1));
  const rows = await q.query<Record<string, unknown>>(
    `SELECT ${[...keys, ...HISTORY_FIELDS.map((f) => `sum(${f}) AS ${f}`)].join(', ')}
       FROM (SELECT h.*, h.interval_start AT TIME ZONE $3 AS lt
               FROM history_intervals h
              WHERE h.project_id = $1 AND h.department_id = $2
                AND ($4::float8 IS NULL OR h.interval_start >= to_timestamp($4::float8 / 1000.0))) x
      ${positions.length ? `GROUP BY ${positions.join(', ')}` : ''}
     HAVING sum(arrivals) > 0
      ${positions.length ? `ORDER BY ${positions.join(', ')}` : ''}`,
    [projectId, query.departmentId, query.pgZone, query.from],
  );
  return rows.map((r) => {
    const key: Partial<Record<CalendarPart, number>> = {};
    for (const p of query.parts) key[p] = Number(r[p]);
    const sums = {} as HistoryVector;
    for (const f of HISTORY_FIELDS) sums[f] = Number(r[f] ?? 0);
    return { key, sums };
  });
}
