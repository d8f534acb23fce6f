import type { ContactEvent } from '../domain/contact-event.js';
import type { ContactScope } from '../domain/contact-visibility.js';
import type { RequestScope } from '../domain/visibility.js';
import type { Queryable } from './db.js';
import { iso, servedJson } from './sql-values.js';

interface ContactEventRow {
  id: string;
  project_id: string;
  name: string;
  attributes: Record<string, unknown>;
  lead_id: string | null;
  project_user_id: string | null;
  created_by: string;
  created_at: Date | string;
}

function toContactEvent(row: ContactEventRow): ContactEvent {
  const createdAt = iso(row.created_at);
  return {
    _id: row.id,
    id: row.id,
    name: row.name,
    attributes: servedJson(row.attributes),
    id_project: row.project_id,
    lead: row.lead_id,
    project_user: row.project_user_id,
    createdBy: row.created_by,
    createdAt,
    updatedAt: createdAt,
  };
}

/** A contact: one person (a visitor, usually) known by a lead, a project user, or both. */
export interface Contact {
  userId: string;
  leadId: string | null;
  projectUserId: string | null;
}

/**
 * The contact an id names in a project: a lead id or a project-user id, completed with the other id of the same
 * person when there is one. Null when the id is neither.
 */
export async function findContact(q: Queryable, projectId: string, id: string): Promise<Contact | null> {
  const [row] = await q.query<{ user_id: string; lead_id: string | null; project_user_id: string | null }>(
    `WITH named AS (
       SELECT lead_user_id AS user_id FROM leads WHERE project_id = $1 AND id = $2
       UNION ALL
       SELECT user_id FROM project_users WHERE project_id = $1 AND id = $2
     )
     SELECT n.user_id,
            (SELECT l.id FROM leads l WHERE l.project_id = $1 AND l.lead_user_id = n.user_id) AS lead_id,
            (SELECT pu.id FROM project_users pu WHERE pu.project_id = $1 AND pu.user_id = n.user_id) AS project_user_id
       FROM named n LIMIT 1`,
    [projectId, id],
  );
  return row ? { userId: row.user_id, leadId: row.lead_id, projectUserId: row.project_user_id } : null;
}

/** The contact a user is in a project (a visitor posting about themselves); null ids where none exists yet. */
export async function contactOfUser(q: Queryable, projectId: string, userId: string): Promise<Contact> {
  const [row] = await q.query<{ lead_id: string | null; project_user_id: string | null }>(
    `SELECT (SELECT id FROM leads WHERE project_id = $1 AND lead_user_id = $2) AS lead_id,
            (SELECT id FROM project_users WHERE project_id = $1 AND user_id = $2) AS project_user_id`,
    [projectId, userId],
  );
  return { userId, leadId: row?.lead_id ?? null, projectUserId: row?.project_user_id ?? null };
}

/** The visibility facts of a contact: the distinct scopes of the requests its person started in the project. */
export async function contactScope(q: Queryable, projectId: string, userId: string): Promise<ContactScope> {
  const rows = await q.query<{ department_id: string | null; agents: string[] }>(
    `SELECT DISTINCT department_id, participants_agents AS agents FROM requests WHERE project_id = $1 AND requester_user_id = $2`,
    [projectId, userId],
  );
  const requests: RequestScope[] = rows.map((r) => ({ departmentId: r.department_id, agents: [...r.agents].sort(), requesterUserId: userId }));
  return { userId, requests };
}

export interface NewContactEvent {
  id: string;
  projectId: string;
  name: string;
  attributes: Record<string, unknown>;
  leadId: string | null;
  projectUserId: string | null;
  createdBy: string;
  seq: number;
}

export async function insertContactEvent(q: Queryable, e: NewContactEvent): Promise<ContactEvent> {
  const [row] = await q.query<ContactEventRow>(
    `INSERT INTO contact_events (id, project_id, name, attributes, lead_id, project_user_id, created_by, seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [e.id, e.projectId, e.name, JSON.stringify(e.attributes), e.leadId, e.projectUserId, e.createdBy, e.seq],
  );
  return toContactEvent(row!);
}

/** Which events: one contact's (by either of its ids), optionally of one name; null contact: the whole project's. */
export interface ContactEventQuery {
  projectId: string;
  contact: Pick<Contact, 'leadId' | 'projectUserId'> | null;
  name: string | null;
  limit: number;
  offset: number;
}

function where(eq: ContactEventQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [eq.projectId];
  const parts = ['project_id = $1'];
  if (eq.contact !== null) {
    params.push(eq.contact.leadId, eq.contact.projectUserId);
    parts.push(`(lead_id = $${params.length - 1} OR project_user_id = $${params.length})`);
  }
  if (eq.name !== null) {
    params.push(eq.name);
    parts.push(`name = $${params.length}`);
  }
  return { sql: parts.join(' AND '), params };
}

/** Newest first (by the seq that announced each). */
export async function listContactEvents(q: Queryable, eq: ContactEventQuery): Promise<ContactEvent[]> {
  const { sql, params } = where(eq);
  const rows = await q.query<ContactEventRow>(
    `SELECT * FROM contact_events WHERE ${sql} ORDER BY seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, eq.limit, eq.offset],
  );
  return rows.map(toContactEvent);
}

export async function countContactEvents(q: Queryable, eq: ContactEventQuery): Promise<number> {
  const { sql, params } = where(eq);
  const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM contact_events WHERE ${sql}`, params);
  return Number(row?.n ?? 0);
}
