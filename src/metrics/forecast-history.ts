/**
 * The interval history a forecast is made from: the rows of one slice (the whole project or a department) over the
 * forecast methods' look-back, up to the interval holding `now`, in intervals of `minutes`. Shared by the forecast
 * endpoint and the live arrival rate's forecast (forecast-now.ts), so both read the same history the same way.
 */
import { HISTORY_INTERVAL_MS } from '../domain/history.js';
import type { Queryable } from '../store/db.js';
import { historyStart, readHistoryRows, type HistoryRow } from '../store/history.js';
import { TRAINING_WEEKS } from './forecast-timeline.js';

const DAY_MS = 86_400_000;
/** The methods look back TRAINING_WEEKS; the backtest's first day needs one week more before it. */
const LOOKBACK_MS = (TRAINING_WEEKS + 1) * 7 * DAY_MS + DAY_MS;

export interface ForecastHistory {
  /** Where the history starts (epoch ms): every interval from here to `now`'s is in `rows` or was a zero. */
  start: number;
  rows: HistoryRow[];
}

/** 15-minute rows summed into intervals of `minutes` (a multiple of 15 dividing 60), aligned on the epoch. */
function regroup(rows: readonly HistoryRow[], minutes: number): HistoryRow[] {
  if (minutes * 60_000 === HISTORY_INTERVAL_MS) return [...rows];
  const size = minutes * 60_000;
  const out = new Map<number, HistoryRow>();
  for (const r of rows) {
    const start = Math.floor(r.start / size) * size;
    const into = out.get(start);
    if (!into) out.set(start, { ...r, start, end: start + size });
    else for (const k of Object.keys(r) as (keyof HistoryRow)[]) if (k !== 'start' && k !== 'end') into[k] += r[k];
  }
  return [...out.values()].sort((a, b) => a.start - b.start);
}

export async function readForecastHistory(
  q: Queryable,
  project: { id: string; created_at: Date },
  slice: string,
  now: number,
  minutes: number,
): Promise<ForecastHistory> {
  const size = minutes * 60_000;
  // Complete from the project's creation (a quiet interval is a zero, not a gap) or from the oldest imported row.
  const oldest = await historyStart(q, project.id, slice);
  const created = Math.floor(project.created_at.getTime() / size) * size;
  const start = Math.max(Math.min(oldest ?? created, created), Math.floor((now - LOOKBACK_MS) / size) * size);
  const rows = regroup(await readHistoryRows(q, project.id, slice, start, Math.floor(now / size) * size), minutes);
  return { start, rows };
}
