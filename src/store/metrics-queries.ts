/**
 * The SQL behind the live metrics: aggregates over the project's requests, each computed once for the project and
 * once per department in one statement (GROUPING SETS). Every instant is relative to one `at` passed in, so a
 * result describes one moment and tests can pin it. Definitions: docs/metrics.md.
 */
import { OPEN_FOR_REALTIME_SQL } from '../domain/listing.js';
import { memberRoles } from '../domain/roles.js';
import type { Queryable } from './db.js';

/** The slice a row describes: the whole project (`departmentId` undefined) or one department (null: none). */
export interface Slice {
  total: boolean;
  departmentId: string | null;
}

export interface QueueRow extends Slice {
  waiting: number;
  longestWaitSeconds: number | null;
  averageWaitSeconds: number | null;
  oldestWaitingSince: Date | null;
  active: number;
}

export interface WindowRow extends Slice {
  minutes: number;
  arrivals: number;
  closed: number;
  answered: number;
  frtMeanSeconds: number | null;
  frtP90Seconds: number | null;
  slMet: number;
  slMissed: number;
  handled: number;
  ahtSeconds: number | null;
  /** Conversation-seconds agents held inside the window. */
  heldSeconds: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Open as the `/requests` topic means it (`OPEN_FOR_REALTIME_SQL`); waiting = open with no agent. */
const OPEN = OPEN_FOR_REALTIME_SQL;

export async function queueRows(q: Queryable, projectId: string, at: Date): Promise<QueueRow[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT r.department_id, GROUPING(r.department_id) = 1 AS total,
            count(*) FILTER (WHERE w.waiting)::int AS waiting,
            max(w.wait) FILTER (WHERE w.waiting) AS longest,
            avg(w.wait) FILTER (WHERE w.waiting) AS average,
            min(r.created_at) FILTER (WHERE w.waiting) AS oldest,
            count(*) FILTER (WHERE NOT w.waiting)::int AS active
       FROM requests r
      CROSS JOIN LATERAL (SELECT cardinality(r.participants_agents) = 0 AS waiting,
                                 extract(epoch FROM $2::timestamptz - r.created_at)::float8 AS wait) w
      WHERE r.project_id = $1 AND ${OPEN} AND r.created_at <= $2
      GROUP BY GROUPING SETS ((), (r.department_id))`,
    [projectId, at],
  );
  return rows.map((r) => ({
    total: r.total === true,
    departmentId: (r.department_id as string | null) ?? null,
    waiting: Number(r.waiting),
    longestWaitSeconds: num(r.longest),
    averageWaitSeconds: num(r.average),
    oldestWaitingSince: r.oldest === null || r.oldest === undefined ? null : new Date(r.oldest as string | Date),
    active: Number(r.active),
  }));
}

/**
 * Rolling windows (at − minutes, at] over inbound conversations: started by a visitor (not by a desk member), not
 * preflight or draft. The candidate rows are those that arrived, were answered or closed in the longest window,
 * or are still held by an agent; the indexes of migrations/002 find each kind.
 */
export async function windowRows(q: Queryable, projectId: string, at: Date, windowsMinutes: readonly number[], slSeconds: number): Promise<WindowRow[]> {
  const longest = Math.max(...windowsMinutes);
  const rows = await q.query<Record<string, unknown>>(
    `WITH facts AS (
       SELECT r.department_id, r.created_at, r.first_response_at, r.closed_at, r.assigned_at,
              extract(epoch FROM r.first_response_at - r.created_at)::float8 AS frt,
              extract(epoch FROM r.closed_at - r.assigned_at)::float8 AS handle,
              extract(epoch FROM COALESCE(r.closed_at, $2::timestamptz) - r.created_at)::float8 AS unanswered_for
         FROM requests r
        WHERE r.project_id = $1 AND NOT r.preflight AND NOT r.draft AND r.created_at <= $2
          AND NOT EXISTS (SELECT 1 FROM project_users m
                           WHERE m.project_id = r.project_id AND m.user_id = r.requester_user_id AND m.role = ANY($5))
          AND (r.created_at > $2::timestamptz - make_interval(mins => $3)
               OR r.first_response_at > $2::timestamptz - make_interval(mins => $3)
               OR r.closed_at > $2::timestamptz - make_interval(mins => $3)
               -- Held now. The status range lets the (project_id, status) index find them; a closed request has closed_at.
               OR (r.status < 1000 AND r.assigned_at IS NOT NULL AND r.closed_at IS NULL))
     ), w AS (
       SELECT m AS minutes, $2::timestamptz - make_interval(mins => m) AS since FROM unnest($4::int[]) AS m
     )
     SELECT w.minutes, f.department_id, GROUPING(f.department_id) = 1 AS total,
            count(*) FILTER (WHERE f.created_at > w.since)::int AS arrivals,
            count(*) FILTER (WHERE f.closed_at > w.since)::int AS closed,
            count(*) FILTER (WHERE f.first_response_at > w.since)::int AS answered,
            avg(f.frt) FILTER (WHERE f.first_response_at > w.since) AS frt_mean,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY f.frt) FILTER (WHERE f.first_response_at > w.since) AS frt_p90,
            count(*) FILTER (WHERE f.created_at > w.since AND f.frt <= $6)::int AS sl_met,
            count(*) FILTER (WHERE f.created_at > w.since
                               AND (f.frt > $6 OR (f.first_response_at IS NULL AND f.unanswered_for > $6)))::int AS sl_missed,
            count(*) FILTER (WHERE f.closed_at > w.since AND f.assigned_at IS NOT NULL)::int AS handled,
            avg(f.handle) FILTER (WHERE f.closed_at > w.since AND f.assigned_at IS NOT NULL) AS aht,
            COALESCE(sum(GREATEST(0, extract(epoch FROM COALESCE(f.closed_at, $2::timestamptz) - GREATEST(f.assigned_at, w.since))::float8))
                       FILTER (WHERE f.assigned_at IS NOT NULL), 0) AS held
       FROM facts f CROSS JOIN w
      GROUP BY GROUPING SETS ((w.minutes), (w.minutes, f.department_id))`,
    [projectId, at, longest, [...windowsMinutes], memberRoles, slSeconds],
  );
  return rows.map((r) => ({
    total: r.total === true,
    departmentId: (r.department_id as string | null) ?? null,
    minutes: Number(r.minutes),
    arrivals: Number(r.arrivals),
    closed: Number(r.closed),
    answered: Number(r.answered),
    frtMeanSeconds: num(r.frt_mean),
    frtP90Seconds: num(r.frt_p90),
    slMet: Number(r.sl_met),
    slMissed: Number(r.sl_missed),
    handled: Number(r.handled),
    ahtSeconds: num(r.aht),
    heldSeconds: Number(r.held),
  }));
}
