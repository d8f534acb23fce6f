import type { Role } from '../domain/roles.js';
import type { Viewer } from '../domain/visibility.js';
import type { Queryable } from './db.js';

/** What a write to one request needs to know about its caller and the request before it changes anything. */
export interface RequestWriter {
  projectUserId: string;
  /** The caller as the project sees them (`active` false for a disabled project user). */
  viewer: Viewer;
  /** The caller's user row, for the names a message or a lead carries. */
  user: { id: string; email: string | null; firstname: string; lastname: string };
  /** Whether the request exists; when it does, its row is now locked for the rest of the transaction. */
  requestExists: boolean;
}

interface WriterRow {
  id: string;
  role: Role;
  status: 'active' | 'disabled';
  department_ids: string[] | null;
  email: string | null;
  firstname: string;
  lastname: string;
  request_exists: boolean;
}

/**
 * The caller's project user (role, status, departments: the facts of `viewerOf`) and the lock of the request row,
 * in one statement; null when the user has no project user here. Runs after the project row lock, in its own
 * statement: on PostgreSQL a statement that waited for that lock would still read membership as it was before the
 * wait, and a member removed meanwhile must be refused.
 */
export async function lockRequestForWriter(q: Queryable, projectId: string, requestId: string, userId: string): Promise<RequestWriter | null> {
  const [row] = await q.query<WriterRow>(
    `SELECT pu.id, pu.role, pu.status, u.email, u.firstname, u.lastname,
            ARRAY(SELECT dm.department_id FROM department_members dm JOIN departments d ON d.id = dm.department_id
                   WHERE dm.user_id = pu.user_id AND d.project_id = pu.project_id ORDER BY dm.department_id) AS department_ids,
            EXISTS (SELECT 1 FROM requests r WHERE r.project_id = $1 AND r.request_id = $3 FOR UPDATE) AS request_exists
       FROM project_users pu
       JOIN users u ON u.id = pu.user_id
      WHERE pu.project_id = $1 AND pu.user_id = $2`,
    [projectId, userId, requestId],
  );
  if (!row) return null;
  return {
    projectUserId: row.id,
    viewer: { userId, role: row.role, departmentIds: row.department_ids ?? [], active: row.status === 'active' },
    user: { id: userId, email: row.email, firstname: row.firstname, lastname: row.lastname },
    requestExists: row.request_exists,
  };
}
