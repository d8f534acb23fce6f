import type { NewEvent, ProjectEvent } from '../events/event.js';
import type { Queryable } from './db.js';
import type { ProjectRow } from './projects.js';
import { STORED_EVENT_MAX_DEPTH } from '../domain/json-depth.js';
import { iso, servedJson } from './sql-values.js';

/** A row of the events table for one kind of event, as the outbox writes it (see `OutboxWriter.flush`). */
type RowOf<E> = E extends ProjectEvent
  ? {
      project_id: string;
      seq: number;
      epoch: string;
      kind: E['kind'];
      method: E['method'];
      entity_id: string;
      request_id: E['requestId'];
      scope: E['scope'];
      prev_scope: E['prevScope'];
      /** Only contact events have one (who may see the contact); null for the other kinds. */
      contact: E extends { contact: infer C } ? C : null;
      data: E['data'];
      created_at: Date;
    }
  : never;
type EventRow = RowOf<ProjectEvent>;

function toEvent(row: EventRow): ProjectEvent {
  const common = { projectId: row.project_id, seq: Number(row.seq), epoch: row.epoch, method: row.method, entityId: row.entity_id, createdAt: iso(row.created_at) };
  // Stored JSON is served capped in depth; each kind keeps its own data type.
  switch (row.kind) {
    case 'request':
      return { ...common, kind: row.kind, requestId: row.request_id, scope: row.scope, prevScope: row.prev_scope, data: servedJson(row.data, STORED_EVENT_MAX_DEPTH) };
    case 'message':
      return { ...common, kind: row.kind, requestId: row.request_id, scope: row.scope, prevScope: row.prev_scope, data: servedJson(row.data, STORED_EVENT_MAX_DEPTH) };
    case 'project_user':
      return { ...common, kind: row.kind, requestId: row.request_id, scope: row.scope, prevScope: row.prev_scope, data: servedJson(row.data, STORED_EVENT_MAX_DEPTH) };
    case 'contact_event':
      return { ...common, kind: row.kind, requestId: row.request_id, scope: row.scope, prevScope: row.prev_scope, contact: row.contact, data: servedJson(row.data, STORED_EVENT_MAX_DEPTH) };
    case 'alert':
      return { ...common, kind: row.kind, requestId: row.request_id, scope: row.scope, prevScope: row.prev_scope, data: servedJson(row.data, STORED_EVENT_MAX_DEPTH) };
  }
}

/**
 * Collects the events of one write transaction. Numbers are taken from the project row locked at the start of the
 * transaction, so they are gap-free and commit order equals seq order: a bare SQL sequence could commit out of
 * order and a resuming client would miss an event.
 */
export class OutboxWriter {
  readonly events: ProjectEvent[] = [];
  private seq: number;

  constructor(private readonly project: Pick<ProjectRow, 'id' | 'seq' | 'epoch'>) {
    this.seq = Number(project.seq);
  }

  /** The seq the next emitted event will get. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  emit(event: NewEvent): ProjectEvent {
    this.seq += 1;
    const full: ProjectEvent = { ...event, projectId: this.project.id, seq: this.seq, epoch: this.project.epoch, createdAt: new Date().toISOString() };
    this.events.push(full);
    return full;
  }

  /**
   * Writes the collected events and advances the project's seq in one statement: one round trip per write
   * transaction whatever the number of events. Still under the project row lock taken at the start of the
   * transaction, so the numbering stays gap-free and in commit order.
   */
  async flush(q: Queryable): Promise<void> {
    if (this.events.length === 0) return;
    const rows = this.events.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      method: e.method,
      entity_id: e.entityId,
      request_id: e.requestId,
      scope: e.scope,
      prev_scope: e.prevScope,
      contact: e.kind === 'contact_event' ? e.contact : null,
      data: e.data,
      created_at: e.createdAt,
    }));
    // One jsonb parameter rather than 11 per row: no limit on the number of events, one statement text for all.
    await q.query(
      `WITH appended AS (
         INSERT INTO events (project_id, seq, epoch, kind, method, entity_id, request_id, scope, prev_scope, contact, data, created_at)
         SELECT $1, e.seq, $2, e.kind, e.method, e.entity_id, e.request_id, e.scope, e.prev_scope, e.contact, e.data, e.created_at
           FROM jsonb_to_recordset($3::jsonb) AS e(seq bigint, kind text, method text, entity_id text, request_id text,
                                                   scope jsonb, prev_scope jsonb, contact jsonb, data jsonb, created_at timestamptz)
       )
       UPDATE projects SET seq = $4 WHERE id = $1`,
      [this.project.id, this.project.epoch, JSON.stringify(rows), this.seq],
    );
  }
}

/** Events with `seq > since`, oldest first, at most `limit`. */
export async function readEventsSince(q: Queryable, projectId: string, since: number, limit = 10_000): Promise<ProjectEvent[]> {
  const rows = await q.query<EventRow>('SELECT * FROM events WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [projectId, since, limit]);
  return rows.map(toEvent);
}

/** Events in (from, to], oldest first: used to fill a gap seen on the bus. */
export async function readEventRange(q: Queryable, projectId: string, from: number, to: number): Promise<ProjectEvent[]> {
  const rows = await q.query<EventRow>('SELECT * FROM events WHERE project_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq', [projectId, from, to]);
  return rows.map(toEvent);
}

/** Deletes events older than the retention and records, per project, up to which seq history is gone. */
export async function pruneEvents(q: Queryable, olderThan: Date): Promise<number> {
  const pruned = await q.query<{ project_id: string; max_seq: number; n: number }>(
    `WITH gone AS (DELETE FROM events WHERE created_at < $1 RETURNING project_id, seq)
     SELECT project_id, max(seq) AS max_seq, count(*)::int AS n FROM gone GROUP BY project_id`,
    [olderThan],
  );
  for (const p of pruned) {
    await q.query('UPDATE projects SET pruned_through = GREATEST(pruned_through, $2) WHERE id = $1', [p.project_id, p.max_seq]);
  }
  return pruned.reduce((sum, p) => sum + p.n, 0);
}
