import { RequestStatus } from '../domain/request.js';
import type { Queryable } from './db.js';

/**
 * Waiting requests (open, no agent) of the `assigned` departments `userId` belongs to, oldest first: what routing
 * gives a member who just became able to take chats. `limit` null: all of them. The partial index of
 * migrations/007 finds them.
 */
export async function waitingRequestsFor(q: Queryable, projectId: string, userId: string, limit: number | null): Promise<string[]> {
  const rows = await q.query<{ request_id: string }>(
    `SELECT r.request_id
       FROM requests r
       JOIN departments d ON d.id = r.department_id AND d.routing = 'assigned'
       JOIN department_members dm ON dm.department_id = d.id AND dm.user_id = $2
      WHERE r.project_id = $1 AND r.status = $3 AND cardinality(r.participants_agents) = 0 AND NOT r.preflight AND NOT r.draft
      ORDER BY r.created_at, r.id
      LIMIT $4`,
    [projectId, userId, RequestStatus.UNSERVED, limit],
  );
  return rows.map((r) => r.request_id);
}

/**
 * Whether any request waits in an `assigned` department of the project: one cheap read that lets a batch of members
 * becoming able (a presence wave) skip re-routing altogether when there is nothing to route.
 */
export async function anyWaitingInAssignedDepartment(q: Queryable, projectId: string): Promise<boolean> {
  const rows = await q.query<{ one: number }>(
    `SELECT 1 AS one
       FROM requests r
       JOIN departments d ON d.id = r.department_id AND d.routing = 'assigned'
      WHERE r.project_id = $1 AND r.status = $2 AND cardinality(r.participants_agents) = 0 AND NOT r.preflight AND NOT r.draft
      LIMIT 1`,
    [projectId, RequestStatus.UNSERVED],
  );
  return rows.length > 0;
}
