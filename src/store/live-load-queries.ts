/**
 * The SQL behind the live staffing's inputs (docs/metrics.md, "Live staffing"): the exponentially weighted count of
 * recent arrivals and the waits of the requests waiting now. Relative to one `at`, in the metrics' read snapshot.
 */
import { OPEN_FOR_REALTIME_SQL } from '../domain/listing.js';
import { memberRoles } from '../domain/roles.js';
import type { Queryable } from './db.js';

/**
 * Σ 2^(−age / halfLife) over the inbound arrivals (as the windows count them: started by a visitor, not preflight
 * or draft) created in (since, at]. Computed in SQL: a surge of thousands of arrivals costs one number, not a list.
 */
export async function weightedArrivals(q: Queryable, projectId: string, at: Date, since: Date, halfLifeSeconds: number): Promise<number> {
  const [row] = await q.query<{ weighted: unknown }>(
    `SELECT COALESCE(sum(exp(-ln(2) * extract(epoch FROM $2::timestamptz - r.created_at)::float8 / $4)), 0)::float8 AS weighted
       FROM requests r
      WHERE r.project_id = $1 AND NOT r.preflight AND NOT r.draft AND r.created_at <= $2 AND r.created_at > $3
        AND NOT EXISTS (SELECT 1 FROM project_users m
                         WHERE m.project_id = r.project_id AND m.user_id = r.requester_user_id AND m.role = ANY($5))`,
    [projectId, at, since, halfLifeSeconds, memberRoles],
  );
  return Number(row?.weighted ?? 0);
}

/** How long each request waiting now (open, no agent, as the queue counts it) has waited, seconds. */
export async function waitingAges(q: Queryable, projectId: string, at: Date): Promise<number[]> {
  const rows = await q.query<{ waited: unknown }>(
    `SELECT GREATEST(0, extract(epoch FROM $2::timestamptz - r.created_at))::float8 AS waited
       FROM requests r
      WHERE r.project_id = $1 AND ${OPEN_FOR_REALTIME_SQL}
        AND cardinality(r.participants_agents) = 0 AND r.created_at <= $2`,
    [projectId, at],
  );
  return rows.map((r) => Number(r.waited));
}
