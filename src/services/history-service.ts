/**
 * The interval history as the API serves it (`GET /:pid/metrics/history`) and the import of past conversations
 * (`POST /:pid/history/import`). Definitions: docs/metrics.md, "Interval history"; CSV format: docs/rest.md.
 */
import { DeskwireError } from '../domain/errors.js';
import { HistoryDeltas, PROJECT_TOTAL, type HistoryInterval } from '../domain/history.js';

export type { HistoryInterval } from '../domain/history.js';
import { isAdmin, isSupervising } from '../domain/roles.js';
import { forgetForecastNow } from '../metrics/forecast-now.js';
import { planSettings } from '../metrics/plan-settings.js';
import type { Queryable } from '../store/db.js';
import { listDepartments } from '../store/departments.js';
import { applyHistoryDeltas, readHistoryBuckets, type HistoryBucket, type HistoryRow } from '../store/history.js';
import { findProject, lockProject } from '../store/projects.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { parseHistoryImport, type ImportProblem } from './history-import.js';

/** The longest range one history read covers. */
export const HISTORY_RANGE_MAX_DAYS = 366;

export interface HistoryQuery {
  from: number;
  to: number;
  interval: HistoryBucket;
  departmentId?: string;
}


export interface HistoryAnswer {
  interval: HistoryBucket;
  department: string | null;
  time_zone: string;
  intervals: HistoryInterval[];
}

export interface ImportSummary {
  imported: number;
  /** 15-minute history rows changed (the project's and each department's). */
  intervals: number;
  /** Oldest and newest created_at imported; null with no row. */
  from: string | null;
  to: string | null;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const mean = (sum: number, count: number) => (count > 0 ? r3(sum / count) : null);

export function toHistoryInterval(r: HistoryRow): HistoryInterval {
  const decided = r.sl_met + r.sl_missed;
  return {
    start: new Date(r.start).toISOString(),
    end: new Date(r.end).toISOString(),
    arrivals: r.arrivals,
    answered: r.answered,
    abandoned: r.abandoned,
    service_level: { met: r.sl_met, missed: r.sl_missed, value: decided > 0 ? Math.round((r.sl_met / decided) * 10_000) / 10_000 : null },
    first_response: { count: r.first_response_count, mean_seconds: mean(r.first_response_seconds, r.first_response_count) },
    handle_time: { count: r.handle_count, mean_seconds: mean(r.handle_seconds, r.handle_count) },
    rating: { count: r.rating_count, mean: mean(r.rating_sum, r.rating_count) },
  };
}

/** A department id of the project, or DEPARTMENT_UNKNOWN; undefined means the whole project. */
export async function departmentSlice(q: Queryable, projectId: string, departmentId: string | undefined): Promise<string> {
  if (departmentId === undefined) return PROJECT_TOTAL;
  const departments = await listDepartments(q, projectId);
  if (!departments.some((d) => d.id === departmentId)) throw new DeskwireError('DEPARTMENT_UNKNOWN', `No department ${departmentId} in this project.`);
  return departmentId;
}

export class HistoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Owners, admins and supervisors. Every interval of [from, to) is listed, empty ones with zeros. */
  async read(actor: Actor, projectId: string, query: HistoryQuery): Promise<HistoryAnswer> {
    if (!(query.from < query.to)) throw new DeskwireError('HISTORY_RANGE_INVALID', '`from` must be before `to`.');
    if (query.to - query.from > HISTORY_RANGE_MAX_DAYS * 86_400_000) {
      throw new DeskwireError('HISTORY_RANGE_INVALID', `The range is longer than ${HISTORY_RANGE_MAX_DAYS} days.`, { max_days: HISTORY_RANGE_MAX_DAYS });
    }
    const db = this.deps.db;
    const { viewer } = await requireMembership(db, projectId, actor);
    if (!isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'History is for owners, admins and supervisors.');
    const project = await findProject(db, projectId);
    if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const department = await departmentSlice(db, projectId, query.departmentId);
    const { timeZone } = planSettings(project.settings);
    const rows = await readHistoryBuckets(db, projectId, { departmentId: department, from: query.from, to: query.to, bucket: query.interval, timeZone });
    return { interval: query.interval, department: query.departmentId ?? null, time_zone: timeZone, intervals: rows.map(toHistoryInterval) };
  }

  /**
   * Owners and admins. The whole file is checked before anything is written, then added to the history in one
   * transaction: all of it or none. Importing the same file twice counts its conversations twice.
   */
  async import(actor: Actor, projectId: string, csv: string): Promise<ImportSummary> {
    const db = this.deps.db;
    const { viewer } = await requireMembership(db, projectId, actor);
    if (!isAdmin(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Only owners and admins import history.');
    const departments = await listDepartments(db, projectId);
    const byId = new Map(departments.map((d) => [d.id, d.id]));
    const byName = new Map<string, string>();
    for (const d of departments) if (!byName.has(d.name.toLowerCase())) byName.set(d.name.toLowerCase(), d.id);
    const resolve = (text: string) => byId.get(text) ?? byName.get(text.toLowerCase()) ?? null;
    const fallback = departments.find((d) => d.default)?.id ?? null;
    const parsed = parseHistoryImport(csv, resolve, fallback, Date.now());
    if (parsed.problemCount > 0) throw importInvalid(parsed.problems, parsed.problemCount);

    const summary = await db.transaction(async (tx) => {
      // Serialized with the project's request writes, which add to the same history rows.
      const project = await lockProject(tx, projectId);
      if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
      const sl = planSettings(project.settings).service_level_seconds;
      const deltas = new HistoryDeltas();
      let first = Infinity;
      let last = -Infinity;
      for (const row of parsed.rows) {
        deltas.add(row, 1, sl);
        if (row.createdAt < first) first = row.createdAt;
        if (row.createdAt > last) last = row.createdAt;
      }
      const intervals = await applyHistoryDeltas(tx, projectId, deltas);
      const n = parsed.rows.length;
      return { imported: n, intervals, from: n ? new Date(first).toISOString() : null, to: n ? new Date(last).toISOString() : null };
    });
    // After the commit: a read before it would keep the old history's figure for the rest of the interval.
    forgetForecastNow(projectId);
    return summary;
  }
}

function importInvalid(problems: ImportProblem[], count: number): DeskwireError {
  const first = problems[0]!;
  const where = `line ${first.line}${first.column ? `, ${first.column}` : ''}`;
  return new DeskwireError('IMPORT_INVALID', `${count} problem${count === 1 ? '' : 's'} in the file, nothing imported; first: ${where}: ${first.message}.`, {
    errors: problems,
    error_count: count,
  });
}
