import type { Queryable } from './db.js';

/** What a REST call needs to know about its caller before the route runs. */
export interface CallerFacts {
  active: boolean;
  /** The limit overrides of the project the route names ({} for no project, or one that does not exist). */
  limits: Record<string, number>;
}

/**
 * Whether the user exists and is active, and the limit overrides of the project the route names, in ONE statement:
 * every REST call needs both (authentication, then the rate limit charged per project), and they were two round
 * trips to the store (on the embedded store, two messages to its worker) before the route's own reads. Null when
 * the user does not exist.
 */
export async function readCallerFacts(q: Queryable, userId: string, projectId: string | null): Promise<CallerFacts | null> {
  const [row] = await q.query<{ active: boolean; limits: Record<string, number> | null }>(
    'SELECT u.active, (SELECT p.limits FROM projects p WHERE p.id = $2) AS limits FROM users u WHERE u.id = $1',
    [userId, projectId],
  );
  return row === undefined ? null : { active: row.active, limits: row.limits ?? {} };
}
