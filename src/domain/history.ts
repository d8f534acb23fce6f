/**
 * What one conversation contributes to the interval history (docs/metrics.md, "Interval history"). Every figure of
 * a conversation lands in the 15-minute interval it ARRIVED in, so a request's contribution is a pure function of
 * its own row: a write adds contribution(after) − contribution(before) and the totals stay exact however often a
 * request is answered, closed, reopened or rated. Imported rows contribute through the same function.
 */

export const HISTORY_INTERVAL_MS = 15 * 60_000;

/** The summed columns of a history row, in the order of the table (migrations/008). */
export const HISTORY_FIELDS = [
  'arrivals',
  'answered',
  'abandoned',
  'sl_met',
  'sl_missed',
  'first_response_count',
  'first_response_seconds',
  'handle_count',
  'handle_seconds',
  'abandoned_wait_seconds',
  'rating_count',
  'rating_sum',
] as const;
export type HistoryField = (typeof HISTORY_FIELDS)[number];
export type HistoryVector = Record<HistoryField, number>;

/** The facts of one conversation the history reads; instants are epoch milliseconds. */
export interface HistoryFacts {
  createdAt: number;
  /** First agent reply; null while unanswered. */
  firstResponseAt: number | null;
  /** When an agent started handling it: `assigned_at` for live requests, the first reply for imported rows. */
  handleStartAt: number | null;
  /** Null while open. */
  closedAt: number | null;
  /** Null: counted in the project's total only. */
  departmentId: string | null;
  rating: number | null;
}

/** The key of the project's total among the department ids. */
export const PROJECT_TOTAL = '';

export const intervalStartOf = (ms: number): number => Math.floor(ms / HISTORY_INTERVAL_MS) * HISTORY_INTERVAL_MS;

const zero = (): HistoryVector => Object.fromEntries(HISTORY_FIELDS.map((f) => [f, 0])) as HistoryVector;

/**
 * Service level is decided once, when the request is answered (met within the threshold, else missed) or closed
 * unanswered (missed when it waited longer than the threshold; a visitor who left sooner counts in neither), the
 * rule of the live windows minus "still waiting": the history never changes with the clock alone.
 */
export function contributionOf(f: HistoryFacts, slSeconds: number): HistoryVector {
  const v = zero();
  v.arrivals = 1;
  if (f.firstResponseAt !== null) {
    const frt = (f.firstResponseAt - f.createdAt) / 1000;
    v.answered = 1;
    v.first_response_count = 1;
    v.first_response_seconds = frt;
    if (frt <= slSeconds) v.sl_met = 1;
    else v.sl_missed = 1;
  } else if (f.closedAt !== null) {
    const waited = (f.closedAt - f.createdAt) / 1000;
    v.abandoned = 1;
    v.abandoned_wait_seconds = waited;
    if (waited > slSeconds) v.sl_missed = 1;
  }
  if (f.closedAt !== null && f.handleStartAt !== null) {
    v.handle_count = 1;
    v.handle_seconds = Math.max(0, (f.closedAt - f.handleStartAt) / 1000);
  }
  if (f.rating !== null) {
    v.rating_count = 1;
    v.rating_sum = f.rating;
  }
  return v;
}

/** Sums of contributions by (department, interval): what one write or one import adds to the history. */
export class HistoryDeltas {
  private readonly rows = new Map<string, { departmentId: string; start: number; v: HistoryVector }>();

  /** Adds (sign 1) or takes away (sign −1) a conversation, in its department's row and in the project's total. */
  add(f: HistoryFacts, sign: 1 | -1, slSeconds: number): void {
    const c = contributionOf(f, slSeconds);
    const start = intervalStartOf(f.createdAt);
    this.addVector(PROJECT_TOTAL, start, c, sign);
    if (f.departmentId !== null) this.addVector(f.departmentId, start, c, sign);
  }

  private addVector(departmentId: string, start: number, c: HistoryVector, sign: number): void {
    const key = `${departmentId}\u0000${start}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { departmentId, start, v: zero() }));
    for (const field of HISTORY_FIELDS) row.v[field] += sign * c[field];
  }

  /** The rows that change something (a write that changed no figure yields none). */
  entries(): { departmentId: string; start: number; v: HistoryVector }[] {
    return [...this.rows.values()].filter((r) => HISTORY_FIELDS.some((f) => Math.abs(r.v[f]) > 1e-9));
  }
}

/** One interval of `GET /:pid/metrics/history` (docs/rest.md), as the services build it and the dashboard reads it. */
export interface HistoryInterval {
  start: string;
  end: string;
  arrivals: number;
  answered: number;
  abandoned: number;
  service_level: { met: number; missed: number; value: number | null };
  first_response: { count: number; mean_seconds: number | null };
  handle_time: { count: number; mean_seconds: number | null };
  rating: { count: number; mean: number | null };
}
