import { OPEN_FOR_REALTIME_SQL } from '../domain/listing.js';
import type { DepartmentRef, ParticipantRef, Request } from '../domain/request.js';
import type { Queryable } from './db.js';
import { toLead, type LeadRow } from './leads.js';
import { iso, isoOrNull, numOrNull, servedJson } from './sql-values.js';

interface RequestRow {
  id: string;
  project_id: string;
  request_id: string;
  ticket_id: number;
  status: number;
  subject: string | null;
  first_text: string;
  participants_agents: string[];
  participants_bots: string[];
  department_id: string | null;
  lead_id: string | null;
  requester_id: string | null;
  requester_user_id: string | null;
  requester_role: string | null;
  assigned_at: Date | null;
  first_response_at: Date | null;
  waiting_time: number | null;
  closed_at: Date | null;
  closed_by: string | null;
  duration: number | null;
  reopened_at: Date | null;
  reopened_by: string | null;
  rating: number | null;
  rating_message: string | null;
  tags: string[];
  notes: Request['notes'];
  priority: Request['priority'];
  channel: string;
  preflight: boolean;
  draft: boolean;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  dep_name: string | null;
  dep_routing: 'pooled' | 'assigned' | null;
  lead: LeadRow | null;
  agents: ParticipantRef[] | null;
}

/** Requests as clients see them, read from `source`: the table, or the rows a write statement returns. */
const selectRequestsFrom = (source: string) => `
  SELECT r.*, d.name AS dep_name, d.routing AS dep_routing, to_jsonb(l.*) AS lead, rq.role AS requester_role,
         (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', u.id, 'firstname', u.firstname, 'lastname', u.lastname) ORDER BY u.id), '[]'::jsonb)
            FROM users u WHERE u.id = ANY(r.participants_agents)) AS agents
    FROM ${source} r
    LEFT JOIN departments d ON d.id = r.department_id
    LEFT JOIN leads l ON l.id = r.lead_id
    LEFT JOIN project_users rq ON rq.id = r.requester_id`;
const selectRequests = selectRequestsFrom('requests');

function toRequest(row: RequestRow): Request {
  const department: DepartmentRef | null =
    row.department_id && row.dep_name && row.dep_routing
      ? { _id: row.department_id, id: row.department_id, name: row.dep_name, routing: row.dep_routing }
      : null;
  const lead = row.lead ? toLead(row.lead) : null;
  return {
    _id: row.id,
    id: row.id,
    request_id: row.request_id,
    id_project: row.project_id,
    ticket_id: Number(row.ticket_id),
    status: row.status,
    subject: row.subject,
    first_text: row.first_text,
    participants: [...row.participants_agents, ...row.participants_bots],
    participantsAgents: row.participants_agents,
    participantsBots: row.participants_bots,
    participatingAgents: row.agents ?? [],
    hasBot: row.participants_bots.length > 0,
    department,
    lead,
    requester: row.requester_id,
    requester_id: row.lead_id,
    snapshot: {
      agents: row.participants_agents.map((id) => ({ id_user: id })),
      lead,
      department,
      requester: row.requester_id ? { id: row.requester_id, isAuthenticated: row.requester_role !== 'guest' } : null,
    },
    assigned_at: isoOrNull(row.assigned_at),
    first_response_at: isoOrNull(row.first_response_at),
    waiting_time: numOrNull(row.waiting_time),
    closed_at: isoOrNull(row.closed_at),
    closed_by: row.closed_by,
    duration: numOrNull(row.duration),
    reopened_at: isoOrNull(row.reopened_at),
    reopened_by: row.reopened_by,
    rating: row.rating === null ? null : Number(row.rating),
    rating_message: row.rating_message,
    tags: servedJson(row.tags),
    notes: servedJson(row.notes),
    priority: row.priority,
    channel: { name: row.channel },
    preflight: row.preflight,
    draft: row.draft,
    attributes: servedJson(row.attributes),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface NewRequest {
  id: string;
  projectId: string;
  requestId: string;
  ticketId: number;
  status: number;
  subject: string | null;
  firstText: string;
  agents: string[];
  departmentId: string | null;
  leadId: string | null;
  requesterId: string | null;
  requesterUserId: string | null;
  channel: string;
  preflight: boolean;
  draft: boolean;
  attributes: Record<string, unknown>;
}

/** Inserts the request and returns it as clients see it, in the same statement. */
export async function insertRequest(q: Queryable, r: NewRequest): Promise<Request> {
  const [row] = await q.query<RequestRow>(
    `WITH created AS (
     INSERT INTO requests (id, project_id, request_id, ticket_id, status, subject, first_text, participants_agents,
                           department_id, lead_id, requester_id, requester_user_id, channel, preflight, draft, attributes,
                           assigned_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             CASE WHEN cardinality($8::text[]) > 0 THEN now() END)
     RETURNING *)
     ${selectRequestsFrom('created')}`,
    [r.id, r.projectId, r.requestId, r.ticketId, r.status, r.subject, r.firstText, r.agents, r.departmentId, r.leadId,
      r.requesterId, r.requesterUserId, r.channel, r.preflight, r.draft, JSON.stringify(r.attributes)],
  );
  return toRequest(row!);
}

export async function getRequest(q: Queryable, projectId: string, requestId: string): Promise<Request | null> {
  const [row] = await q.query<RequestRow>(`${selectRequests} WHERE r.project_id = $1 AND r.request_id = $2`, [projectId, requestId]);
  return row ? toRequest(row) : null;
}

/** Locks the request row for the rest of the transaction (the project lock is already held). */
export async function lockRequest(q: Queryable, projectId: string, requestId: string): Promise<Request | null> {
  await q.query('SELECT 1 FROM requests WHERE project_id = $1 AND request_id = $2 FOR UPDATE', [projectId, requestId]);
  return getRequest(q, projectId, requestId);
}

export interface RequestQuery {
  projectId: string;
  /** null means every status. */
  statuses: number[] | null;
  /** Only requests open as the Realtime `/requests` topic means it. */
  openForRealtime?: boolean;
  /** Restrict to what an agent may see: participant, or unassigned in one of these departments. */
  agent?: { userId: string; departmentIds: readonly string[] };
  /** Restrict to the requests a visitor started. */
  requesterUserId?: string;
  limit: number;
  offset: number;
}

function whereOf(rq: RequestQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [rq.projectId];
  const clauses = ['r.project_id = $1'];
  if (rq.statuses) {
    params.push(rq.statuses);
    clauses.push(`r.status = ANY($${params.length})`);
  }
  if (rq.openForRealtime) clauses.push(OPEN_FOR_REALTIME_SQL);
  if (rq.agent) {
    params.push(rq.agent.userId, rq.agent.departmentIds);
    const u = params.length - 1;
    clauses.push(`($${u} = ANY(r.participants_agents) OR (cardinality(r.participants_agents) = 0 AND r.department_id = ANY($${u + 1})))`);
  }
  if (rq.requesterUserId !== undefined) {
    params.push(rq.requesterUserId);
    clauses.push(`r.requester_user_id = $${params.length}`);
  }
  return { where: clauses.join(' AND '), params };
}

/** Newest `updatedAt` first. */
export async function listRequests(q: Queryable, rq: RequestQuery): Promise<Request[]> {
  const { where, params } = whereOf(rq);
  params.push(rq.limit, rq.offset);
  const rows = await q.query<RequestRow>(
    `${selectRequests} WHERE ${where} ORDER BY r.updated_at DESC, r.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(toRequest);
}

export async function countRequests(q: Queryable, rq: RequestQuery): Promise<number> {
  const { where, params } = whereOf(rq);
  const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM requests r WHERE ${where}`, params);
  return row!.n;
}

export interface RequestPatch {
  status?: number;
  subject?: string | null;
  priority?: Request['priority'];
  tags?: string[];
  notes?: Request['notes'];
  agents?: string[];
  departmentId?: string;
  assignedAtNow?: boolean;
  firstResponseNow?: boolean;
  close?: { by: string };
  /** Back from closed: the close is forgotten, the reopening recorded. */
  reopen?: { by: string };
  attributes?: Record<string, unknown>;
  /** The visitor's rating; the message is replaced with it (null clears it). */
  rating?: { value: number; message: string | null };
}

/**
 * Applies the patch and returns the request as clients now see it, in the same statement (null when there is no
 * such request). The joined rows (department, lead, requester, agents' names) are read as the statement began:
 * the statement changes none of them.
 */
export async function updateRequest(q: Queryable, projectId: string, requestId: string, patch: RequestPatch): Promise<Request | null> {
  const sets: string[] = ['updated_at = clock_timestamp()'];
  const params: unknown[] = [projectId, requestId];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.subject !== undefined) set('subject', patch.subject);
  if (patch.priority !== undefined) set('priority', patch.priority);
  if (patch.tags !== undefined) set('tags', JSON.stringify(patch.tags), '::jsonb');
  if (patch.notes !== undefined) set('notes', JSON.stringify(patch.notes), '::jsonb');
  if (patch.attributes !== undefined) set('attributes', JSON.stringify(patch.attributes), '::jsonb');
  if (patch.agents !== undefined) set('participants_agents', patch.agents, '::text[]');
  if (patch.departmentId !== undefined) set('department_id', patch.departmentId);
  if (patch.assignedAtNow) sets.push('assigned_at = COALESCE(assigned_at, clock_timestamp())');
  if (patch.firstResponseNow) {
    sets.push('first_response_at = clock_timestamp()');
    sets.push(`waiting_time = (extract(epoch FROM clock_timestamp() - created_at) * 1000)::bigint`);
  }
  if (patch.close) {
    set('closed_by', patch.close.by);
    sets.push('closed_at = clock_timestamp()');
    sets.push(`duration = (extract(epoch FROM clock_timestamp() - created_at) * 1000)::bigint`);
  }
  if (patch.rating) {
    set('rating', patch.rating.value);
    set('rating_message', patch.rating.message);
  }
  if (patch.reopen) {
    set('reopened_by', patch.reopen.by);
    sets.push('reopened_at = clock_timestamp()', 'closed_at = NULL', 'closed_by = NULL', 'duration = NULL');
  }
  const [row] = await q.query<RequestRow>(
    `WITH changed AS (UPDATE requests SET ${sets.join(', ')} WHERE project_id = $1 AND request_id = $2 RETURNING *)
     ${selectRequestsFrom('changed')}`,
    params,
  );
  return row ? toRequest(row) : null;
}

/**
 * For each agent, exactly what `listRequests` returns for `{ openForRealtime: true, agent, limit, offset: 0 }`,
 * read in one statement: the Realtime `/requests` snapshots of many agents taken in one transaction.
 */
export async function listOpenRequestsOfAgents(
  q: Queryable,
  projectId: string,
  agents: readonly { userId: string; departmentIds: readonly string[] }[],
  limit: number,
): Promise<Request[][]> {
  if (agents.length === 0) return [];
  const rows = await q.query<RequestRow & { agent_index: number }>(
    `SELECT a.i AS agent_index, x.*
       FROM jsonb_to_recordset($2::jsonb) AS a(i int, user_id text, department_ids text[])
       CROSS JOIN LATERAL (
         ${selectRequests}
          WHERE r.project_id = $1 AND ${OPEN_FOR_REALTIME_SQL}
            AND (a.user_id = ANY(r.participants_agents) OR (cardinality(r.participants_agents) = 0 AND r.department_id = ANY(a.department_ids)))
          ORDER BY r.updated_at DESC, r.id DESC LIMIT $3) x
      ORDER BY a.i, x.updated_at DESC, x.id DESC`,
    [projectId, JSON.stringify(agents.map((a, i) => ({ i, user_id: a.userId, department_ids: a.departmentIds }))), limit],
  );
  const lists: Request[][] = agents.map(() => []);
  for (const row of rows) lists[row.agent_index]!.push(toRequest(row));
  return lists;
}
