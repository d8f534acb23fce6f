/**
 * The live metrics object of a project (PROTOCOL §10), read from the store in one repeatable-read snapshot: any
 * node computes the same object at any time, after a restart too, because nothing comes from process memory.
 * Definitions: docs/metrics.md.
 */
import { freeSlots, isBusy } from '../domain/busy.js';
import type { DepartmentMetrics, ProjectMetrics, QueueNow, ScopeMetrics, StaffingEstimate, WindowMetrics } from '../domain/metrics.js';
import { defaultProjectSettings, type ProjectSettings, type ProjectUser } from '../domain/project.js';
import { memberRoles } from '../domain/roles.js';
import type { Db, Queryable } from '../store/db.js';
import { listDepartments } from '../store/departments.js';
import { listProjectUsers } from '../store/project-users.js';
import { findProject } from '../store/projects.js';
import { queueRows, windowRows, type QueueRow, type WindowRow } from './metrics-queries.js';
import { estimateStaffing } from './staffing.js';

export type { DepartmentMetrics, ProjectMetrics, QueueNow, ScopeMetrics, WindowMetrics } from '../domain/metrics.js';

export const WINDOWS_MINUTES = [15, 60] as const;
export interface MetricsOptions {
  /** The instant to compute for; the database clock's now by default (the clock every timestamp was written with). */
  at?: Date;
}

const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** Agents of a scope: desk members whose project membership is active. */
interface AgentTally {
  available: number;
  busy: number;
  unavailable: number;
  freeSlots: number;
  /** Sum of the chat limits of agents on duty: the concurrent conversations they can hold. */
  capacity: number;
}

function tallyAgents(agents: readonly ProjectUser[], settings: ProjectSettings): AgentTally {
  const t: AgentTally = { available: 0, busy: 0, unavailable: 0, freeSlots: 0, capacity: 0 };
  for (const pu of agents) {
    if (!pu.user_available) {
      t.unavailable += 1;
      continue;
    }
    // Capacity counts the configured limit even with the limit off: it is what the desk plans with.
    t.capacity += pu.max_assigned_chat ?? settings.max_agent_assigned_chat;
    if (isBusy(pu, settings)) t.busy += 1;
    else {
      t.available += 1;
      const free = freeSlots(pu, settings);
      if (Number.isFinite(free)) t.freeSlots += free;
    }
  }
  return t;
}

function queueNow(row: QueueRow | undefined, agents: AgentTally, settings: ProjectSettings): QueueNow {
  const active = row?.active ?? 0;
  return {
    waiting: row?.waiting ?? 0,
    longest_wait_seconds: r3(row?.longestWaitSeconds ?? null),
    average_wait_seconds: r3(row?.averageWaitSeconds ?? null),
    oldest_waiting_since: row?.oldestWaitingSince?.toISOString() ?? null,
    active_conversations: active,
    agents: { available: agents.available, busy: agents.busy, unavailable: agents.unavailable },
    free_chat_slots: settings.chat_limit_on ? agents.freeSlots : null,
    conversations_per_available_agent: agents.available > 0 ? r3(active / agents.available) : null,
  };
}

function windowMetrics(minutes: number, row: WindowRow | undefined, agents: AgentTally, settings: ProjectSettings): WindowMetrics {
  const met = row?.slMet ?? 0;
  const missed = row?.slMissed ?? 0;
  const workload = (row?.heldSeconds ?? 0) / (minutes * 60);
  return {
    minutes,
    arrivals: row?.arrivals ?? 0,
    closed: row?.closed ?? 0,
    first_response: { count: row?.answered ?? 0, mean_seconds: r3(row?.frtMeanSeconds ?? null), p90_seconds: r3(row?.frtP90Seconds ?? null) },
    service_level: {
      target: settings.service_level_target,
      within_seconds: settings.service_level_seconds,
      met,
      missed,
      value: met + missed > 0 ? r4(met / (met + missed)) : null,
    },
    handle_time: { count: row?.handled ?? 0, mean_seconds: r3(row?.ahtSeconds ?? null) },
    workload_erlangs: r4(workload)!,
    occupancy: agents.capacity > 0 ? r4(workload / agents.capacity) : null,
  };
}

function scopeMetrics(
  queue: QueueRow | undefined,
  windows: (minutes: number) => WindowRow | undefined,
  agents: AgentTally,
  settings: ProjectSettings,
): ScopeMetrics {
  const [short, long] = WINDOWS_MINUTES;
  return {
    now: queueNow(queue, agents, settings),
    windows: {
      '15m': windowMetrics(short, windows(short), agents, settings),
      '60m': windowMetrics(long, windows(long), agents, settings),
    },
  };
}

/** Staffing for the last hour's measured load; null until a conversation was handled (no handle time yet). */
function measuredStaffing(project: ScopeMetrics, agents: AgentTally, settings: ProjectSettings): StaffingEstimate | null {
  const hour = project.windows['60m'];
  if (hour.handle_time.mean_seconds === null) return null;
  const staffed = agents.available + agents.busy;
  return estimateStaffing({
    arrivalsPerHour: (hour.arrivals * 60) / hour.minutes,
    ahtSeconds: hour.handle_time.mean_seconds,
    concurrency: measuredConcurrency(agents, settings),
    target: settings.service_level_target,
    withinSeconds: settings.service_level_seconds,
    staffedAgents: staffed,
  });
}

/** Mean chat limit of the agents on duty, or the project's limit when nobody is on duty. */
export function measuredConcurrency(agents: AgentTally, settings: ProjectSettings): number {
  const staffed = agents.available + agents.busy;
  return Math.max(1, staffed > 0 ? agents.capacity / staffed : settings.max_agent_assigned_chat);
}

/** Who counts as an agent: the desk roles, active in the project and with an active account (as routing reads it). */
async function deskMembers(q: Queryable, projectId: string): Promise<ProjectUser[]> {
  const disabled = new Set(
    (await q.query<{ user_id: string }>(
      `SELECT pu.user_id FROM project_users pu JOIN users u ON u.id = pu.user_id WHERE pu.project_id = $1 AND NOT u.active`,
      [projectId],
    )).map((r) => r.user_id),
  );
  return (await listProjectUsers(q, projectId, memberRoles)).filter((pu) => pu.status === 'active' && !disabled.has(pu.uuid_user));
}

export interface MetricsRead {
  metrics: ProjectMetrics;
  /** The project's tallies, for staffing what-ifs. */
  agents: AgentTally;
  settings: ProjectSettings;
}

/** Reads everything through `q`, which must be one consistent snapshot (see `computeProjectMetrics`). */
export async function readProjectMetrics(q: Queryable, projectId: string, opts: MetricsOptions = {}): Promise<MetricsRead | null> {
  const project = await findProject(q, projectId);
  if (project === null) return null;
  // As epoch milliseconds: drivers differ in how they hand over a timestamptz, and a lost millisecond would put
  // a request created just now after `at`.
  const at = opts.at ?? new Date(Number((await q.query<{ ms: number }>('SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms'))[0]!.ms));
  const settings: ProjectSettings = { ...defaultProjectSettings, ...project.settings };
  const [queue, windows, members, departments] = [
    await queueRows(q, projectId, at),
    await windowRows(q, projectId, at, WINDOWS_MINUTES, settings.service_level_seconds),
    await deskMembers(q, projectId),
    await listDepartments(q, projectId),
  ];
  const windowOf = (total: boolean, dep: string | null) => (minutes: number) =>
    windows.find((w) => w.minutes === minutes && w.total === total && (total || w.departmentId === dep));
  const agents = tallyAgents(members, settings);
  const whole = scopeMetrics(queue.find((r) => r.total), windowOf(true, null), agents, settings);
  const perDepartment = departments.map((d): DepartmentMetrics => {
    const inDepartment = tallyAgents(members.filter((pu) => d.members.includes(pu.uuid_user)), settings);
    const queueRow = queue.find((r) => !r.total && r.departmentId === d.id);
    return { id: d.id, name: d.name, ...scopeMetrics(queueRow, windowOf(false, d.id), inDepartment, settings) };
  });
  return {
    agents,
    settings,
    metrics: {
      project_id: projectId,
      seq: Number(project.seq),
      epoch: project.epoch,
      computed_at: at.toISOString(),
      ...whole,
      departments: perDepartment,
      staffing: measuredStaffing(whole, agents, settings),
    },
  };
}

/** One repeatable-read transaction: the seq, the agents and the requests all describe the same moment. */
export async function computeProjectMetrics(db: Db, projectId: string, opts: MetricsOptions = {}): Promise<MetricsRead | null> {
  return db.transaction(async (tx) => {
    // Must be the first statement: the transaction's snapshot is taken at the first query after it.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return readProjectMetrics(tx, projectId, opts);
  });
}
