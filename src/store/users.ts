import type { UserSummary } from '../domain/project.js';
import { memberRoles } from '../domain/roles.js';
import type { LimitOverrides } from '../domain/limit-overrides.js';
import type { Queryable } from './db.js';
import { iso } from './sql-values.js';

export interface UserRow {
  id: string;
  email: string | null;
  password_hash: string | null;
  firstname: string;
  lastname: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface User extends UserSummary {
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toUser(row: UserRow): User {
  return {
    _id: row.id,
    id: row.id,
    email: row.email,
    firstname: row.firstname,
    lastname: row.lastname,
    active: row.active,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function insertUser(
  q: Queryable,
  user: { id: string; email: string | null; passwordHash: string | null; firstname: string; lastname: string },
): Promise<UserRow> {
  const [row] = await q.query<UserRow>(
    `INSERT INTO users (id, email, password_hash, firstname, lastname) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [user.id, user.email, user.passwordHash, user.firstname, user.lastname],
  );
  return row!;
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | null> {
  const [row] = await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return row ?? null;
}

/** What a Realtime handshake needs of its user. */
export interface ConnectingUser {
  active: boolean;
  /** Where the user is an active desk member (owner, admin, supervisor or agent), sorted: their connection counts there. */
  memberProjectIds: string[];
  /** Those projects' limit overrides (their owners'), read with the rest so that a handshake is one statement. */
  limits: ReadonlyMap<string, LimitOverrides>;
}

/** Several users, their desk projects and those projects' limit overrides in one read (see `BatchReader`). */
export async function findConnectingUsers(q: Queryable, ids: readonly string[]): Promise<Map<string, ConnectingUser>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<{ id: string; active: boolean; projects: { id: string; limits: LimitOverrides }[] | string }>(
    `SELECT u.id, u.active,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'limits', p.limits) ORDER BY p.id), '[]'::jsonb)
               FROM project_users pu JOIN projects p ON p.id = pu.project_id
              WHERE pu.user_id = u.id AND pu.status = 'active' AND pu.role = ANY($2)) AS projects
       FROM users u WHERE u.id = ANY($1)`,
    [ids, memberRoles],
  );
  return new Map(
    rows.map((r) => {
      const projects = typeof r.projects === 'string' ? (JSON.parse(r.projects) as { id: string; limits: LimitOverrides }[]) : r.projects;
      return [r.id, { active: r.active, memberProjectIds: projects.map((p) => p.id), limits: new Map(projects.map((p) => [p.id, p.limits])) }];
    }),
  );
}

/** Of these users, those disabled or gone (one read, for re-checking every connected user at once). */
export async function inactiveUserIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<{ id: string }>(
    'SELECT ids.id FROM unnest($1::text[]) AS ids(id) WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = ids.id AND u.active)',
    [ids],
  );
  return rows.map((r) => r.id);
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | null> {
  const [row] = await q.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
  return row ?? null;
}

export async function setUserActive(q: Queryable, id: string, active: boolean): Promise<void> {
  await q.query('UPDATE users SET active = $2, updated_at = now() WHERE id = $1', [id, active]);
}

export async function countUsers(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row!.n;
}
