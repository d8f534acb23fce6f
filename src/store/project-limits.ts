import type { LimitOverrides } from '../domain/limit-overrides.js';
import type { Queryable } from './db.js';

/** A project's limit overrides (`projects.limits`); none for a project that does not exist. */
export async function readLimitOverrides(q: Queryable, projectId: string): Promise<LimitOverrides> {
  const [row] = await q.query<{ limits: LimitOverrides }>('SELECT limits FROM projects WHERE id = $1', [projectId]);
  return row?.limits ?? {};
}

/**
 * The overrides with the project row locked for the rest of the transaction, so that two owners' changes to
 * different limits both land; null for a project that does not exist.
 */
export async function lockLimitOverrides(q: Queryable, projectId: string): Promise<LimitOverrides | null> {
  const [row] = await q.query<{ limits: LimitOverrides }>('SELECT limits FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
  return row ? row.limits : null;
}

export async function writeLimitOverrides(q: Queryable, projectId: string, limits: LimitOverrides): Promise<void> {
  await q.query('UPDATE projects SET limits = $2, updated_at = now() WHERE id = $1', [projectId, JSON.stringify(limits)]);
}
