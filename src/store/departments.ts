import type { Department } from '../domain/project.js';
import type { Queryable } from './db.js';
import { iso } from './sql-values.js';

interface DepartmentRow {
  id: string;
  project_id: string;
  name: string;
  routing: 'pooled' | 'assigned';
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
  members: string[] | null;
}

const selectDepartments = `
  SELECT d.*, ARRAY(SELECT m.user_id FROM department_members m WHERE m.department_id = d.id ORDER BY m.user_id) AS members
    FROM departments d`;

function toDepartment(row: DepartmentRow): Department {
  return {
    _id: row.id,
    id: row.id,
    id_project: row.project_id,
    name: row.name,
    routing: row.routing,
    default: row.is_default,
    members: row.members ?? [],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function insertDepartment(
  q: Queryable,
  d: { id: string; projectId: string; name: string; routing: 'pooled' | 'assigned'; isDefault: boolean },
): Promise<void> {
  await q.query('INSERT INTO departments (id, project_id, name, routing, is_default) VALUES ($1, $2, $3, $4, $5)', [
    d.id,
    d.projectId,
    d.name,
    d.routing,
    d.isDefault,
  ]);
}

export async function getDepartment(q: Queryable, projectId: string, id: string): Promise<Department | null> {
  const [row] = await q.query<DepartmentRow>(`${selectDepartments} WHERE d.project_id = $1 AND d.id = $2`, [projectId, id]);
  return row ? toDepartment(row) : null;
}

export async function getDefaultDepartment(q: Queryable, projectId: string): Promise<Department | null> {
  const [row] = await q.query<DepartmentRow>(`${selectDepartments} WHERE d.project_id = $1 AND d.is_default`, [projectId]);
  return row ? toDepartment(row) : null;
}

export async function listDepartments(q: Queryable, projectId: string): Promise<Department[]> {
  const rows = await q.query<DepartmentRow>(`${selectDepartments} WHERE d.project_id = $1 ORDER BY d.created_at, d.id`, [projectId]);
  return rows.map(toDepartment);
}

export async function updateDepartment(
  q: Queryable,
  projectId: string,
  id: string,
  patch: { name?: string; routing?: 'pooled' | 'assigned' },
): Promise<void> {
  await q.query(
    `UPDATE departments SET name = COALESCE($3, name), routing = COALESCE($4, routing), updated_at = now()
      WHERE project_id = $1 AND id = $2`,
    [projectId, id, patch.name ?? null, patch.routing ?? null],
  );
}

/** Makes `id` the project's default department (and no other). */
export async function setDefaultDepartment(q: Queryable, projectId: string, id: string): Promise<void> {
  await q.query('UPDATE departments SET is_default = false WHERE project_id = $1 AND is_default AND id <> $2', [projectId, id]);
  await q.query('UPDATE departments SET is_default = true, updated_at = now() WHERE project_id = $1 AND id = $2', [projectId, id]);
}

export async function deleteDepartment(q: Queryable, projectId: string, id: string): Promise<void> {
  await q.query('DELETE FROM departments WHERE project_id = $1 AND id = $2', [projectId, id]);
}

/** Replaces the member list; returns the user ids whose membership changed. */
export async function setDepartmentMembers(q: Queryable, departmentId: string, userIds: readonly string[]): Promise<string[]> {
  const before = (await q.query<{ user_id: string }>('SELECT user_id FROM department_members WHERE department_id = $1', [departmentId])).map(
    (r) => r.user_id,
  );
  await q.query('DELETE FROM department_members WHERE department_id = $1 AND NOT (user_id = ANY($2))', [departmentId, userIds]);
  await q.query(
    `INSERT INTO department_members (department_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [departmentId, userIds],
  );
  const after = new Set(userIds);
  const was = new Set(before);
  return [...before.filter((u) => !after.has(u)), ...userIds.filter((u) => !was.has(u))];
}
