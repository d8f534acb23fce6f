import type { Alert, AlertRule } from '../domain/alerts.js';
import type { Queryable } from './db.js';
import { iso } from './sql-values.js';

/** An alert as the driver reads it: its columns are the alert's fields, the moments as the driver gives them. */
interface AlertRow extends Omit<Alert, 'raised_at' | 'cleared_at'> {
  raised_at: Date | string;
  cleared_at: Date | string | null;
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    project_id: row.project_id,
    rule: row.rule,
    state: row.state,
    value: Number(row.value),
    threshold: Number(row.threshold),
    message: row.message,
    raised_at: iso(row.raised_at),
    cleared_at: row.cleared_at === null ? null : iso(row.cleared_at),
  };
}

/** The raised alerts of a project, oldest first (the order they were raised in). */
export async function listRaisedAlerts(q: Queryable, projectId: string): Promise<Alert[]> {
  const rows = await q.query<AlertRow>(`SELECT * FROM alerts WHERE project_id = $1 AND state = 'raised' ORDER BY raised_at, id`, [projectId]);
  return rows.map(toAlert);
}

/** Raised and cleared alerts, newest raised first, at most `limit`. */
export async function listRecentAlerts(q: Queryable, projectId: string, limit: number): Promise<Alert[]> {
  const rows = await q.query<AlertRow>('SELECT * FROM alerts WHERE project_id = $1 ORDER BY raised_at DESC, id DESC LIMIT $2', [projectId, limit]);
  return rows.map(toAlert);
}

export interface NewAlert {
  id: string;
  projectId: string;
  rule: AlertRule;
  value: number;
  threshold: number;
  message: string;
}

/**
 * Raises an alert, or returns null when the rule is already raised in the project: the unique partial index
 * `alerts_one_raised` keeps one raised alert per rule whatever the number of nodes evaluating.
 */
export async function insertRaisedAlert(q: Queryable, a: NewAlert): Promise<Alert | null> {
  const rows = await q.query<AlertRow>(
    `INSERT INTO alerts (id, project_id, rule, state, value, threshold, message)
     VALUES ($1, $2, $3, 'raised', $4, $5, $6)
     ON CONFLICT (project_id, rule) WHERE state = 'raised' DO NOTHING
     RETURNING *`,
    [a.id, a.projectId, a.rule, a.value, a.threshold, a.message],
  );
  return rows[0] ? toAlert(rows[0]) : null;
}

/** Clears a raised alert; null when it was not raised any more (another node cleared it first). */
export async function clearAlert(q: Queryable, projectId: string, id: string): Promise<Alert | null> {
  const rows = await q.query<AlertRow>(
    `UPDATE alerts SET state = 'cleared', cleared_at = now() WHERE project_id = $1 AND id = $2 AND state = 'raised' RETURNING *`,
    [projectId, id],
  );
  return rows[0] ? toAlert(rows[0]) : null;
}
