import { isBusy } from '../domain/busy.js';
import { canTakeChatNow, chatState, roleTakesChats } from '../domain/chat-availability.js';
import { defaultProjectSettings, type ProjectSettings, type ProjectUser } from '../domain/project.js';
import { memberRoles, type Role } from '../domain/roles.js';
import type { Queryable } from './db.js';
import { iso, isoOrNull, servedJson } from './sql-values.js';

interface ProjectUserRow {
  id: string;
  project_id: string;
  user_id: string;
  role: Role;
  user_available: boolean;
  profile_status: string;
  max_assigned_chat: number | null;
  number_assigned_requests: number;
  presence: 'online' | 'offline';
  presence_changed_at: Date | null;
  status: 'active' | 'disabled';
  takes_chats: boolean;
  account_active: boolean;
  last_ip: string | null;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  email: string | null;
  firstname: string;
  lastname: string;
  settings: Partial<ProjectSettings>;
  department_ids: string[] | null;
}

/** Project users as clients see them, read from `source`: the table, or the rows a write statement returns. */
const selectProjectUsersFrom = (source: string) => `
  SELECT pu.*, u.email, u.firstname, u.lastname, u.active AS account_active, p.settings,
         ARRAY(SELECT dm.department_id FROM department_members dm JOIN departments d ON d.id = dm.department_id
                WHERE dm.user_id = pu.user_id AND d.project_id = pu.project_id ORDER BY dm.department_id) AS department_ids
    FROM ${source} pu
    JOIN users u ON u.id = pu.user_id
    JOIN projects p ON p.id = pu.project_id`;
const selectProjectUsers = selectProjectUsersFrom('project_users');

function toProjectUser(row: ProjectUserRow): ProjectUser {
  const settings = { ...defaultProjectSettings, ...servedJson(row.settings) };
  return {
    _id: row.id,
    id: row.id,
    id_project: row.project_id,
    id_user: { _id: row.user_id, id: row.user_id, email: row.email, firstname: row.firstname, lastname: row.lastname },
    uuid_user: row.user_id,
    role: row.role,
    user_available: row.user_available,
    profileStatus: row.profile_status,
    max_assigned_chat: row.max_assigned_chat,
    number_assigned_requests: row.number_assigned_requests,
    presence: { status: row.presence, changedAt: isoOrNull(row.presence_changed_at) },
    status: row.status,
    isBusy: isBusy(row, settings),
    takes_chats: roleTakesChats(row.role, row.takes_chats),
    chat_state: chatState(row, settings),
    departments: row.department_ids ?? [],
    last_ip: row.last_ip,
    attributes: servedJson(row.attributes),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function insertProjectUser(
  q: Queryable,
  pu: { id: string; projectId: string; userId: string; role: Role },
): Promise<void> {
  await q.query('INSERT INTO project_users (id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [pu.id, pu.projectId, pu.userId, pu.role]);
}

export async function getProjectUser(q: Queryable, projectId: string, id: string): Promise<ProjectUser | null> {
  const [row] = await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 AND pu.id = $2`, [projectId, id]);
  return row ? toProjectUser(row) : null;
}

export async function getProjectUserByUser(q: Queryable, projectId: string, userId: string): Promise<ProjectUser | null> {
  const [row] = await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 AND pu.user_id = $2`, [projectId, userId]);
  return row ? toProjectUser(row) : null;
}

/** Project users; with `roles`, only those roles. Ordered by creation. */
export async function listProjectUsers(q: Queryable, projectId: string, roles?: readonly Role[]): Promise<ProjectUser[]> {
  const rows = roles
    ? await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 AND pu.role = ANY($2) ORDER BY pu.created_at, pu.id`, [projectId, roles])
    : await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 ORDER BY pu.created_at, pu.id`, [projectId]);
  return rows.map(toProjectUser);
}

/** Every project the user has a project user in, whatever its role or status. */
export async function listProjectIdsOfUser(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ project_id: string }>('SELECT project_id FROM project_users WHERE user_id = $1 ORDER BY project_id', [userId]);
  return rows.map((r) => r.project_id);
}

/** A desk membership whose presence is not yet what its user's change asks for. */
export interface PresenceWrite {
  projectId: string;
  projectUserId: string;
  status: 'online' | 'offline';
}

/**
 * For several users' presence changes at once: their active desk memberships whose presence differs from the
 * status asked, ordered by project, then project user.
 */
export async function listPresenceWrites(q: Queryable, changes: readonly { userId: string; status: 'online' | 'offline' }[]): Promise<PresenceWrite[]> {
  if (changes.length === 0) return [];
  const rows = await q.query<{ project_id: string; id: string; status: 'online' | 'offline' }>(
    `SELECT pu.project_id, pu.id, c.status
       FROM unnest($1::text[], $2::text[]) AS c(user_id, status)
       JOIN project_users pu ON pu.user_id = c.user_id
      WHERE pu.status = 'active' AND pu.role = ANY($3) AND pu.presence <> c.status
      ORDER BY pu.project_id, pu.id`,
    [changes.map((c) => c.userId), changes.map((c) => c.status), memberRoles],
  );
  return rows.map((r) => ({ projectId: r.project_id, projectUserId: r.id, status: r.status }));
}

/**
 * Sets the presence of these project users of one project where it still differs and they are still active desk
 * members (run under the project lock, this is the check that counts); returns the project users it changed, as
 * clients now see them, sorted by id: one statement for the whole batch.
 */
export async function updatePresence(
  q: Queryable,
  projectId: string,
  writes: readonly { projectUserId: string; status: 'online' | 'offline' }[],
): Promise<ProjectUser[]> {
  if (writes.length === 0) return [];
  const rows = await q.query<ProjectUserRow>(
    `WITH changed AS (
       UPDATE project_users pu SET presence = c.status, presence_changed_at = now(), updated_at = now()
         FROM unnest($2::text[], $3::text[]) AS c(id, status)
        WHERE pu.project_id = $1 AND pu.id = c.id AND pu.presence <> c.status AND pu.status = 'active' AND pu.role = ANY($4)
        RETURNING pu.*)
     ${selectProjectUsersFrom('changed')}`,
    [projectId, writes.map((w) => w.projectUserId), writes.map((w) => w.status), memberRoles],
  );
  return rows.map(toProjectUser).sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

export interface ProjectUserPatch {
  role?: Role;
  user_available?: boolean;
  profileStatus?: string;
  max_assigned_chat?: number | null;
  status?: 'active' | 'disabled';
  presence?: 'online' | 'offline';
  last_ip?: string | null;
  takes_chats?: boolean;
}

export async function updateProjectUser(q: Queryable, projectId: string, id: string, patch: ProjectUserPatch): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [projectId, id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (patch.role !== undefined) set('role', patch.role);
  if (patch.user_available !== undefined) set('user_available', patch.user_available);
  if (patch.profileStatus !== undefined) set('profile_status', patch.profileStatus);
  if (patch.max_assigned_chat !== undefined) set('max_assigned_chat', patch.max_assigned_chat);
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.last_ip !== undefined) set('last_ip', patch.last_ip);
  if (patch.takes_chats !== undefined) set('takes_chats', patch.takes_chats);
  if (patch.presence !== undefined) {
    set('presence', patch.presence);
    sets.push('presence_changed_at = now()');
  }
  if (sets.length === 0) return;
  await q.query(`UPDATE project_users SET ${sets.join(', ')}, updated_at = now() WHERE project_id = $1 AND id = $2`, params);
}

/** Adds `delta` to the open-assignment counters of the given agents (by user id). */
export async function adjustAssignedCount(q: Queryable, projectId: string, userIds: readonly string[], delta: number): Promise<void> {
  if (userIds.length === 0) return;
  await q.query(
    `UPDATE project_users SET number_assigned_requests = GREATEST(0, number_assigned_requests + $3), updated_at = now()
          ${delta > 0 ? ', last_assigned_at = clock_timestamp()' : ''}
      WHERE project_id = $1 AND user_id = ANY($2)`,
    [projectId, userIds, delta],
  );
}

/**
 * The member routing should give a new request in an `assigned` department: one the "can take chats now" rule lets
 * take a chat (chat-availability.ts: role, switch, presence, chat limit), least loaded, then assigned longest ago
 * (round-robin among ties).
 */
export async function pickAssignee(q: Queryable, projectId: string, departmentId: string): Promise<string | null> {
  const rows = await q.query<ProjectUserRow & { last_assigned_at: Date | null }>(
    `${selectProjectUsers}
      JOIN department_members dm ON dm.user_id = pu.user_id AND dm.department_id = $2
     WHERE pu.project_id = $1 AND pu.role IN ('owner', 'admin', 'supervisor', 'agent')
       AND pu.status = 'active' AND pu.user_available AND u.active
     ORDER BY pu.number_assigned_requests, pu.last_assigned_at NULLS FIRST, pu.id`,
    [projectId, departmentId],
  );
  const free = rows.find((row) => canTakeChatNow(row, { ...defaultProjectSettings, ...servedJson(row.settings) }));
  return free ? free.user_id : null;
}

/** The project users of several users of one project, by user id (absent users are missing from the map). */
export async function getProjectUsersByUsers(q: Queryable, projectId: string, userIds: readonly string[]): Promise<Map<string, ProjectUser>> {
  if (userIds.length === 0) return new Map();
  const rows = await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 AND pu.user_id = ANY($2)`, [projectId, userIds]);
  return new Map(rows.map((row) => [row.user_id, toProjectUser(row)]));
}

/** Several project users of one project, by project-user id (absent ids are missing from the map). */
export async function getProjectUsersByIds(q: Queryable, projectId: string, ids: readonly string[]): Promise<Map<string, ProjectUser>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<ProjectUserRow>(`${selectProjectUsers} WHERE pu.project_id = $1 AND pu.id = ANY($2)`, [projectId, ids]);
  return new Map(rows.map((row) => [row.id, toProjectUser(row)]));
}

/** Users marked online in at least one project (the presence sweep's candidates). */
export async function listOnlineUserIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM project_users WHERE presence = 'online'`);
  return rows.map((r) => r.user_id);
}
