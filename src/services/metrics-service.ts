import { DeskwireError } from '../domain/errors.js';
import type { StaffingAnswer } from '../domain/metrics.js';
import { isSupervising } from '../domain/roles.js';
import type { Db } from '../store/db.js';
import { canTakeChats, computeProjectMetrics, type ProjectMetrics } from '../metrics/project-metrics.js';
import { estimateStaffing } from '../metrics/staffing.js';
import { requireMembership, type Actor } from './context.js';

/** What-if inputs; anything left out is the live staffing's (short-window rate, handle time with its default) or the project's settings. */
export interface StaffingQuery {
  target?: number;
  withinSeconds?: number;
  maxAsaSeconds?: number;
  arrivalsPerHour?: number;
  ahtSeconds?: number;
  concurrency?: number;
}

/** Metrics are a supervisor's view: owners, admins and supervisors only (agents get FORBIDDEN). */
export class MetricsService {
  constructor(private readonly deps: { db: Db }) {}

  async get(actor: Actor, projectId: string): Promise<ProjectMetrics> {
    await this.requireSupervisor(actor, projectId);
    return (await this.read(projectId)).metrics;
  }

  async staffing(actor: Actor, projectId: string, query: StaffingQuery): Promise<StaffingAnswer> {
    await this.requireSupervisor(actor, projectId);
    const { metrics, agents, settings } = await this.read(projectId);
    const live = metrics.staffing;
    const measured: StaffingAnswer['measured'] = [];
    const pick = <T>(given: T | undefined, name: StaffingAnswer['measured'][number], value: () => T): T => {
      if (given !== undefined) return given;
      measured.push(name);
      return value();
    };
    const estimate = estimateStaffing({
      // The live estimates: what "measured" means is in live_staffing's `sources` (a default fills a handle time
      // measured on too few closes).
      arrivalsPerHour: pick(query.arrivalsPerHour, 'arrivals_per_hour', () => live.arrivals_per_hour),
      ahtSeconds: pick(query.ahtSeconds, 'aht_seconds', () => live.aht_seconds),
      concurrency: pick(query.concurrency, 'concurrency', () => live.concurrency),
      target: query.target ?? settings.service_level_target,
      withinSeconds: query.withinSeconds ?? settings.service_level_seconds,
      maxAsaSeconds: query.maxAsaSeconds,
      staffedAgents: canTakeChats(agents),
    });
    return { ...estimate, measured, agents_available: agents.available, agents_can_take_chats: canTakeChats(agents) };
  }

  private async read(projectId: string) {
    const read = await computeProjectMetrics(this.deps.db, projectId);
    if (read === null) throw new DeskwireError('NOT_FOUND', 'No such project.');
    return read;
  }

  private async requireSupervisor(actor: Actor, projectId: string): Promise<void> {
    const { viewer } = await requireMembership(this.deps.db, projectId, actor);
    if (!isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Metrics are for owners, admins and supervisors.');
  }
}
