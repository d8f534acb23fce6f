import type { Message } from '../domain/message.js';
import type { Queryable } from './db.js';
import { iso, servedJson } from './sql-values.js';

interface MessageRow {
  id: string;
  project_id: string;
  request_id: string;
  seq: number;
  sender: string;
  sender_fullname: string;
  sender_role: string;
  text: string;
  type: string;
  status: number;
  attributes: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

function toMessage(row: MessageRow): Message {
  return {
    _id: row.id,
    id: row.id,
    id_project: row.project_id,
    request_id: row.request_id,
    sender: row.sender,
    senderFullname: row.sender_fullname,
    recipient: row.request_id,
    text: row.text,
    type: row.type,
    status: row.status,
    sender_role: row.sender_role,
    attributes: servedJson(row.attributes),
    metadata: servedJson(row.metadata),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface NewMessage {
  id: string;
  projectId: string;
  requestId: string;
  seq: number;
  sender: string;
  senderFullname: string;
  senderRole: string;
  text: string;
  type: string;
  status: number;
  attributes: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
}

export async function insertMessage(q: Queryable, m: NewMessage): Promise<Message> {
  const [row] = await q.query<MessageRow>(
    `INSERT INTO messages (id, project_id, request_id, seq, sender, sender_fullname, sender_role, text, type, status, attributes, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
    [m.id, m.projectId, m.requestId, m.seq, m.sender, m.senderFullname, m.senderRole, m.text, m.type, m.status,
      JSON.stringify(m.attributes), m.metadata === null ? null : JSON.stringify(m.metadata)],
  );
  return toMessage(row!);
}

/** One page of a request's messages, oldest first; page 0 holds the newest `limit`. */
export async function listMessages(q: Queryable, projectId: string, requestId: string, limit: number, page = 0): Promise<Message[]> {
  const rows = await q.query<MessageRow>(
    `SELECT * FROM (SELECT * FROM messages WHERE project_id = $1 AND request_id = $2 ORDER BY seq DESC LIMIT $3 OFFSET $4) newest
      ORDER BY seq`,
    [projectId, requestId, limit, page * limit],
  );
  return rows.map(toMessage);
}

export async function getMessage(q: Queryable, projectId: string, id: string): Promise<Message | null> {
  const [row] = await q.query<MessageRow>('SELECT * FROM messages WHERE project_id = $1 AND id = $2', [projectId, id]);
  return row ? toMessage(row) : null;
}

export async function updateMessageStatus(q: Queryable, projectId: string, id: string, status: number): Promise<Message | null> {
  const [row] = await q.query<MessageRow>(
    'UPDATE messages SET status = $3, updated_at = now() WHERE project_id = $1 AND id = $2 RETURNING *',
    [projectId, id, status],
  );
  return row ? toMessage(row) : null;
}
