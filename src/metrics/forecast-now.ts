/**
 * The forecast's arrivals per hour for the 15-minute interval in progress: what the live arrival rate is blended
 * with (live-arrival-rate.ts), so that a desk minutes old, or a surge seconds old, is not read from a handful of
 * arrivals alone (six visitors in the first seconds read as thousands an hour).
 *
 * It is the whole project's forecast made as of the interval's start, from the history before it, so every reader
 * (REST, pushes, snapshots, alerts) and every node gets the same figure for the interval. A forecast costs
 * milliseconds and the live metrics are read every second, so each node keeps the figure per project until the next
 * interval begins; an import of history forgets it at once on the node that imported (`forgetForecastNow`), other
 * nodes and a changed time zone catch up at the next interval.
 */
import { HISTORY_INTERVAL_MS, PROJECT_TOTAL } from '../domain/history.js';
import type { Queryable } from '../store/db.js';
import type { ProjectRow } from '../store/projects.js';
import { forecastArrivals } from './forecast.js';
import { readForecastHistory } from './forecast-history.js';
import { planSettings } from './plan-settings.js';

const INTERVAL_MINUTES = HISTORY_INTERVAL_MS / 60_000;
const INTERVALS_PER_HOUR = 60 / INTERVAL_MINUTES;
/** Projects whose figure a node keeps at once; past it, the cache starts over (each entry is one number). */
const MAX_KEPT = 10_000;

const kept = new Map<string, { intervalStart: number; perHour: number | null }>();

/** Arrivals per hour the forecast expects in the interval holding `at`; null when the history allows no forecast. */
export async function forecastNowPerHour(q: Queryable, project: ProjectRow, at: number): Promise<number | null> {
  const intervalStart = Math.floor(at / HISTORY_INTERVAL_MS) * HISTORY_INTERVAL_MS;
  const hit = kept.get(project.id);
  if (hit && hit.intervalStart === intervalStart) return hit.perHour;
  const history = await readForecastHistory(q, project, PROJECT_TOTAL, intervalStart, INTERVAL_MINUTES);
  const forecast = forecastArrivals({
    timeZone: planSettings(project.settings).timeZone,
    intervalMinutes: INTERVAL_MINUTES,
    points: history.rows.map((r) => ({ start: r.start, count: r.arrivals })),
    historyStart: history.start,
    now: intervalStart,
    horizonHours: INTERVAL_MINUTES / 60,
  });
  const current = forecast.intervals[0];
  const perHour = forecast.method === 'none' || current === undefined ? null : current.arrivals.mean * INTERVALS_PER_HOUR;
  if (kept.size >= MAX_KEPT) kept.clear();
  kept.set(project.id, { intervalStart, perHour });
  return perHour;
}

/** After an import: the project's history changed, so its figure is made again at the next read. */
export function forgetForecastNow(projectId: string): void {
  kept.delete(projectId);
}
