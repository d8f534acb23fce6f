import { DeskwireError } from '../domain/errors.js';
import type { StaffingAnswer } from '../domain/metrics.js';
import { isSupervising } from '../domain/roles.js';
import { requireMembership, type Actor } from '../services/context.js';
import type { Db } from '../store/db.js';
import { computeProjectMetrics, measuredConcurrency, type ProjectMetrics } from './project-metrics.js';
import { estimateStaffing } from './staffing.js';

/** What-if inputs; anything left out is measured (last hour) or taken from the project's settings. */
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
    const hour = metrics.windows['60m'];
    const measured: StaffingAnswer['measured'] = [];
    const pick = <T>(given: T | undefined, name: StaffingAnswer['measured'][number], value: () => T): T => {
      if (given !== undefined) return given;
      measured.push(name);
      return value();
    };
    const estimate = estimateStaffing({
      arrivalsPerHour: pick(query.arrivalsPerHour, 'arrivals_per_hour', () => (hour.arrivals * 60) / hour.minutes),
      // No conversation handled in the last hour: no handle time to plan with, so no traffic to staff for.
      ahtSeconds: pick(query.ahtSeconds, 'aht_seconds', () => hour.handle_time.mean_seconds ?? 0),
      concurrency: pick(query.concurrency, 'concurrency', () => measuredConcurrency(agents, settings)),
      target: query.target ?? settings.service_level_target,
      withinSeconds: query.withinSeconds ?? settings.service_level_seconds,
      maxAsaSeconds: query.maxAsaSeconds,
      staffedAgents: agents.available + agents.busy,
    });
    return { ...estimate, measured, agents_available: agents.available };
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
