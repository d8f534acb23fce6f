/**
 * The interval history (migrations/008, docs/metrics.md "Interval history"): 15-minute rows per project, department
 * and interval of arrival, changed only by adding deltas inside the write that caused them, and read back summed
 * into any coarser interval. The reads are what the history, forecast and analytics endpoints share.
 */
import { HISTORY_FIELDS, HistoryDeltas, PROJECT_TOTAL, type HistoryFacts, type HistoryVector } from '../domain/history.js';
import { memberRoles } from '../domain/roles.js';
import type { Request } from '../domain/request.js';
import type { Queryable } from './db.js';

export { PROJECT_TOTAL } from '../domain/history.js';

const columns = HISTORY_FIELDS.join(', ');
const recordType = HISTORY_FIELDS.map((f) => `${f} ${f.endsWith('_seconds') ? 'float8' : 'int'}`).join(', ');
const addUp = HISTORY_FIELDS.map((f) => `${f} = history_intervals.${f} + EXCLUDED.${f}`).join(', ');
/** Rows per statement: keeps one import's parameter text to a few megabytes. */
const CHUNK = 5000;

function upsertSql(guard: string): string {
  return `INSERT INTO history_intervals (project_id, department_id, interval_start, ${columns})
          SELECT $1, x.d, to_timestamp(x.s / 1000.0), ${HISTORY_FIELDS.map((f) => `x.${f}`).join(', ')}
            FROM jsonb_to_recordset($2::jsonb) AS x(d text, s float8, ${recordType})
           ${guard}
          ON CONFLICT (project_id, department_id, interval_start) DO UPDATE SET ${addUp}`;
}
const upsertAlways = upsertSql('');
/** Only conversations started by a visitor are history (as the live windows count them): not a desk member's own. */
const upsertInbound = upsertSql(
  `WHERE NOT EXISTS (SELECT 1 FROM project_users m WHERE m.project_id = $1 AND m.user_id = $3 AND m.role = ANY($4))`,
);

const asJson = (rows: ReturnType<HistoryDeltas['entries']>) => JSON.stringify(rows.map((r) => ({ d: r.departmentId, s: r.start, ...r.v })));

/** Adds the deltas to the history rows (creating them as needed). Run inside the write's transaction. */
export async function applyHistoryDeltas(q: Queryable, projectId: string, deltas: HistoryDeltas): Promise<number> {
  const rows = deltas.entries();
  for (let i = 0; i < rows.length; i += CHUNK) await q.query(upsertAlways, [projectId, asJson(rows.slice(i, i + CHUNK))]);
  return rows.length;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The history's view of a request as clients see it. */
export function historyFactsOf(r: Request): HistoryFacts {
  return {
    createdAt: Date.parse(r.createdAt),
    firstResponseAt: ms(r.first_response_at),
    handleStartAt: ms(r.assigned_at),
    closedAt: ms(r.closed_at),
    departmentId: r.department?.id ?? null,
    rating: r.rating,
  };
}

/**
 * Keeps the history exact as a request changes: takes away what the request contributed before the write (none for
 * a new one) and adds what it contributes after. Call it in the write's transaction with both states; a write that
 * changes no figure writes nothing. `slSeconds` is the project's service-level threshold.
 */
export async function recordHistoryChange(q: Queryable, projectId: string, before: Request | null, after: Request, slSeconds: number): Promise<void> {
  const deltas = new HistoryDeltas();
  if (before) deltas.add(historyFactsOf(before), -1, slSeconds);
  deltas.add(historyFactsOf(after), 1, slSeconds);
  const rows = deltas.entries();
  if (rows.length === 0) return;
  await q.query(upsertInbound, [projectId, asJson(rows), after.lead?.lead_id ?? null, memberRoles]);
}

/** Interval lengths a history read can sum into; the calendar ones follow the project's local time. */
export const HISTORY_BUCKETS = {
  '15m': { step: '15 minutes', trunc: `date_bin('15 minutes', $X, timestamp '2000-01-01')` },
  '60m': { step: '1 hour', trunc: `date_trunc('hour', $X)` },
  '1d': { step: '1 day', trunc: `date_trunc('day', $X)` },
  '1w': { step: '1 week', trunc: `date_trunc('week', $X)` },
  '1mo': { step: '1 month', trunc: `date_trunc('month', $X)` },
} as const;
export type HistoryBucket = keyof typeof HISTORY_BUCKETS;

export interface HistoryRow extends HistoryVector {
  /** Epoch milliseconds, [start, end). */
  start: number;
  end: number;
}

const toRow = (r: Record<string, unknown>): HistoryRow => {
  const row = { start: Number(r.start_ms), end: Number(r.end_ms) } as HistoryRow;
  for (const f of HISTORY_FIELDS) row[f] = Number(r[f] ?? 0);
  return row;
};

export interface HistoryRange {
  /** PROJECT_TOTAL ('') for the whole project. */
  departmentId: string;
  /** Epoch ms: every bucket overlapping [from, to) is returned, empty ones too. */
  from: number;
  to: number;
  bucket: HistoryBucket;
  /** IANA zone the hours, days, weeks and months are local to. */
  timeZone: string;
}

/** Every bucket of the range, in order, with the sums of the 15-minute rows inside it (zeros where none). */
export async function readHistoryBuckets(q: Queryable, projectId: string, range: HistoryRange): Promise<HistoryRow[]> {
  const b = HISTORY_BUCKETS[range.bucket];
  const local = (param: string) => b.trunc.replace('$X', `(to_timestamp(${param} / 1000.0) AT TIME ZONE $5)`);
  const rows = await q.query<Record<string, unknown>>(
    `WITH b AS (
       SELECT g AT TIME ZONE $5 AS s, (g + interval '${b.step}') AT TIME ZONE $5 AS e
         FROM generate_series(${local('$3::float8')}, (to_timestamp($4::float8 / 1000.0) AT TIME ZONE $5) - interval '1 microsecond',
                              interval '${b.step}') AS g
     )
     SELECT extract(epoch FROM b.s) * 1000 AS start_ms, extract(epoch FROM b.e) * 1000 AS end_ms,
            ${HISTORY_FIELDS.map((f) => `COALESCE(sum(h.${f}), 0) AS ${f}`).join(', ')}
       FROM b LEFT JOIN history_intervals h
         ON h.project_id = $1 AND h.department_id = $2 AND h.interval_start >= b.s AND h.interval_start < b.e
      GROUP BY b.s, b.e ORDER BY b.s`,
    [projectId, range.departmentId, range.from, range.to, range.timeZone],
  );
  return rows.map(toRow);
}

/** The stored 15-minute rows of [from, to), only those that exist (sparse), oldest first. */
export async function readHistoryRows(q: Queryable, projectId: string, departmentId: string, from: number, to: number): Promise<HistoryRow[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT extract(epoch FROM interval_start) * 1000 AS start_ms, extract(epoch FROM interval_start) * 1000 + 900000 AS end_ms, ${columns}
       FROM history_intervals
      WHERE project_id = $1 AND department_id = $2 AND interval_start >= to_timestamp($3::float8 / 1000.0) AND interval_start < to_timestamp($4::float8 / 1000.0)
      ORDER BY interval_start`,
    [projectId, departmentId, from, to],
  );
  return rows.map(toRow);
}

/** Start of the oldest stored interval of the slice (epoch ms), or null with no history. */
export async function historyStart(q: Queryable, projectId: string, departmentId: string): Promise<number | null> {
  const [row] = await q.query<{ ms: number | null }>(
    `SELECT extract(epoch FROM min(interval_start)) * 1000 AS ms FROM history_intervals WHERE project_id = $1 AND department_id = $2`,
    [projectId, departmentId],
  );
  return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
}
