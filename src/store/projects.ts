import { defaultProjectSettings, type Project, type ProjectSettings } from '../domain/project.js';
import type { Queryable } from './db.js';
import { iso, servedJson } from './sql-values.js';

export interface ProjectRow {
  id: string;
  name: string;
  settings: Partial<ProjectSettings>;
  seq: number;
  epoch: string;
  pruned_through: number;
  created_at: Date;
  updated_at: Date;
}

export function toProject(row: ProjectRow): Project {
  return {
    _id: row.id,
    id: row.id,
    name: row.name,
    settings: { ...defaultProjectSettings, ...servedJson(row.settings) },
    seq: Number(row.seq),
    epoch: row.epoch,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function insertProject(q: Queryable, p: { id: string; name: string; epoch: string; settings: ProjectSettings }): Promise<ProjectRow> {
  const [row] = await q.query<ProjectRow>(
    'INSERT INTO projects (id, name, epoch, settings) VALUES ($1, $2, $3, $4) RETURNING *',
    [p.id, p.name, p.epoch, JSON.stringify(p.settings)],
  );
  return row!;
}

export async function findProject(q: Queryable, id: string): Promise<ProjectRow | null> {
  const [row] = await q.query<ProjectRow>('SELECT * FROM projects WHERE id = $1', [id]);
  return row ?? null;
}

/** Projects where the user is an active member or visitor. */
export async function listProjectsOfUser(q: Queryable, userId: string): Promise<(ProjectRow & { role: string })[]> {
  return q.query(
    `SELECT p.*, pu.role FROM projects p JOIN project_users pu ON pu.project_id = p.id
      WHERE pu.user_id = $1 AND pu.status = 'active' ORDER BY p.created_at, p.id`,
    [userId],
  );
}

/** Takes the project row lock for the rest of the transaction; every write of a project starts here. */
export async function lockProject(q: Queryable, id: string): Promise<ProjectRow | null> {
  const [row] = await q.query<ProjectRow>('SELECT * FROM projects WHERE id = $1 FOR UPDATE', [id]);
  return row ?? null;
}

export async function nextTicketId(q: Queryable, projectId: string): Promise<number> {
  const [row] = await q.query<{ ticket_seq: number }>(
    'UPDATE projects SET ticket_seq = ticket_seq + 1 WHERE id = $1 RETURNING ticket_seq',
    [projectId],
  );
  return Number(row!.ticket_seq);
}

/** Renames the project and replaces its settings (inside the project's write, which holds its lock). */
export async function updateProjectSettings(q: Queryable, projectId: string, name: string, settings: ProjectSettings): Promise<void> {
  await q.query('UPDATE projects SET name = $2, settings = $3, updated_at = now() WHERE id = $1', [projectId, name, JSON.stringify(settings)]);
}

/** The last event seq of each of these projects (the hubs' periodic gap check); projects that do not exist are left out. */
export async function readProjectSeqs(q: Queryable, projectIds: readonly string[]): Promise<{ id: string; seq: number }[]> {
  const rows = await q.query<{ id: string; seq: number | string }>('SELECT id, seq FROM projects WHERE id = ANY($1)', [projectIds]);
  return rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
}
