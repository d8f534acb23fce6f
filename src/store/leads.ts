import type { Lead } from '../domain/request.js';
import type { Queryable } from './db.js';
import { iso, servedJson } from './sql-values.js';

export interface LeadRow {
  id: string;
  project_id: string;
  lead_user_id: string;
  fullname: string;
  email: string | null;
  attributes: Record<string, unknown>;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toLead(row: LeadRow): Lead {
  return {
    _id: row.id,
    id: row.id,
    id_project: row.project_id,
    lead_id: row.lead_user_id,
    fullname: row.fullname,
    email: row.email,
    attributes: servedJson(row.attributes),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The lead of a visitor in a project, created on first contact. */
export async function upsertLead(
  q: Queryable,
  lead: { id: string; projectId: string; userId: string; fullname: string; email: string | null },
): Promise<LeadRow> {
  const [row] = await q.query<LeadRow>(
    `INSERT INTO leads (id, project_id, lead_user_id, fullname, email) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (project_id, lead_user_id) DO UPDATE SET updated_at = leads.updated_at
     RETURNING *`,
    [lead.id, lead.projectId, lead.userId, lead.fullname, lead.email],
  );
  return row!;
}
