/**
 * The live metrics object of a project (PROTOCOL §10), read from the store in one repeatable-read snapshot: any
 * node computes the same object at any time, after a restart too, because nothing comes from process memory.
 * Definitions: docs/metrics.md.
 */
import { freeSlots } from '../domain/busy.js';
import type { DepartmentMetrics, LiveStaffing, ProjectMetrics, QueueNow, ScopeMetrics, WindowMetrics } from '../domain/metrics.js';
import { defaultProjectSettings, type ProjectSettings, type ProjectUser } from '../domain/project.js';
import { memberRoles } from '../domain/roles.js';
import { readStoreNow, useRepeatableRead } from '../store/consistent-read.js';
import type { Db, Queryable } from '../store/db.js';
import { listDepartments } from '../store/departments.js';
import { waitingAges, weightedArrivals } from '../store/live-load-queries.js';
import { queueRows, windowRows, type QueueRow, type WindowRow } from '../store/metrics-queries.js';
import { listProjectUsers } from '../store/project-users.js';
import { findProject } from '../store/projects.js';
import { forecastNowPerHour } from './forecast-now.js';
import { DEFAULT_HALF_LIFE_SECONDS } from './live-arrival-rate.js';
import { liveStaffing } from './live-staffing.js';

export type { DepartmentMetrics, ProjectMetrics, QueueNow, ScopeMetrics, WindowMetrics } from '../domain/metrics.js';

export const WINDOWS_MINUTES = [15, 60] as const;
export interface MetricsOptions {
  /** The instant to compute for; the database clock's now by default (the clock every timestamp was written with). */
  at?: Date;
}

const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** Chat takers of a scope by their state under the "can take chats now" rule (src/domain/chat-availability.ts). */
interface AgentTally {
  available: number;
  busy: number;
  away: number;
  offline: number;
  freeSlots: number;
  /** Sum of the chat limits of the agents who can take chats (available or busy): the conversations they can hold. */
  capacity: number;
}

/** Available + busy: who the rule lets work now (busy ones are at their limit but still serving). */
export const canTakeChats = (t: AgentTally) => t.available + t.busy;

function tallyAgents(members: readonly ProjectUser[], settings: ProjectSettings): AgentTally {
  const t: AgentTally = { available: 0, busy: 0, away: 0, offline: 0, freeSlots: 0, capacity: 0 };
  for (const pu of members) {
    // Computed by the store with the same rule routing uses; null: not a chat taker (role, membership, account).
    const state = pu.chat_state;
    if (state === null) continue;
    t[state] += 1;
    if (state === 'away' || state === 'offline') continue;
    // Capacity counts the configured limit even with the limit off: it is what the desk plans with.
    t.capacity += pu.max_assigned_chat ?? settings.max_agent_assigned_chat;
    if (state === 'available') {
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
    agents: { available: agents.available, busy: agents.busy, away: agents.away, offline: agents.offline, unavailable: agents.away + agents.offline },
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

/** Mean chat limit of the agents who can take chats, or null when nobody can (the project's limit is used then). */
export function measuredConcurrency(agents: AgentTally): number | null {
  const staffed = canTakeChats(agents);
  return staffed > 0 ? Math.max(1, agents.capacity / staffed) : null;
}

/** The desk members (chat takers or not: the tally skips those whose `chat_state` is null). */
async function deskMembers(q: Queryable, projectId: string): Promise<ProjectUser[]> {
  return listProjectUsers(q, projectId, memberRoles);
}

/** Arrivals are weighted over at most this much of the past: older ones weigh under 2^-12 at the default half-life. */
const ARRIVALS_LOOKBACK_MS = 60 * 60_000;

export interface MetricsRead {
  metrics: ProjectMetrics;
  /** The project's tallies, for staffing what-ifs. */
  agents: AgentTally;
  settings: ProjectSettings;
}

export interface LiveMetricsOptions extends MetricsOptions {
  /**
   * Arrivals per hour the forecast expects in the current interval, blended into the live rate; by default the
   * project's own forecast (forecast-now.ts), null for none.
   */
  forecastPerHour?: number | null;
}

/** Reads everything through `q`, which must be one consistent snapshot (see `computeProjectMetrics`). */
export async function readProjectMetrics(q: Queryable, projectId: string, opts: LiveMetricsOptions = {}): Promise<MetricsRead | null> {
  const project = await findProject(q, projectId);
  if (project === null) return null;
  const at = opts.at ?? (await readStoreNow(q));
  const settings: ProjectSettings = { ...defaultProjectSettings, ...project.settings };
  const observedSince = new Date(Math.min(at.getTime(), Math.max(at.getTime() - ARRIVALS_LOOKBACK_MS, new Date(project.created_at).getTime())));
  const forecastPerHour = opts.forecastPerHour !== undefined ? opts.forecastPerHour : await forecastNowPerHour(q, project, at.getTime());
  const [queue, windows, members, departments, weighted, waited] = [
    await queueRows(q, projectId, at),
    await windowRows(q, projectId, at, WINDOWS_MINUTES, settings.service_level_seconds),
    // Presence is a column of project_users: read here, it is as of the same snapshot as the queue.
    await deskMembers(q, projectId),
    await listDepartments(q, projectId),
    await weightedArrivals(q, projectId, at, observedSince, DEFAULT_HALF_LIFE_SECONDS),
    await waitingAges(q, projectId, at),
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
      staffing: staffingOf(windowOf(true, null)(WINDOWS_MINUTES[1]), agents, settings, {
        weighted,
        now: at.getTime(),
        observedSince: observedSince.getTime(),
        halfLifeSeconds: DEFAULT_HALF_LIFE_SECONDS,
        forecastPerHour,
      }, waited),
    },
  };
}

/** Handle times of the last hour's closes (the 60-minute window), arrivals weighted, the queue's waits. */
function staffingOf(
  hour: WindowRow | undefined,
  agents: AgentTally,
  settings: ProjectSettings,
  arrivals: Parameters<typeof liveStaffing>[0]['arrivals'],
  waitedSeconds: number[],
): LiveStaffing {
  const count = hour?.handled ?? 0;
  return liveStaffing({
    arrivals,
    handled: { count, sumSeconds: count > 0 ? Math.max(0, (hour?.ahtSeconds ?? 0) * count) : 0 },
    measuredConcurrency: measuredConcurrency(agents),
    waitedSeconds,
    agentsCanTakeChats: canTakeChats(agents),
    settings,
  });
}

/** One repeatable-read transaction: the seq, the agents and the requests all describe the same moment. */
export async function computeProjectMetrics(db: Db, projectId: string, opts: LiveMetricsOptions = {}): Promise<MetricsRead | null> {
  return db.transaction(async (tx) => {
    await useRepeatableRead(tx);
    return readProjectMetrics(tx, projectId, opts);
  });
}
