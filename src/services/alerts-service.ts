/**
 * Alerts (docs/metrics.md, "Alerts"): the project's rules read against its live metrics and the next hour's plan;
 * a rule newly breached is raised, one no longer breached (or turned off) is cleared. Transitions are written in a
 * project write, so they reach every node's `/P/alerts` subscribers through the outbox, in order and resumable;
 * the unique partial index on raised alerts makes two nodes evaluating at once raise a rule once.
 */
import { alertSettingsOf, readRules, type Alert, type RuleReading, type ShortfallReading } from '../domain/alerts.js';
import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isSupervising } from '../domain/roles.js';
import type { ForecastService } from './forecast-service.js';
import { computeProjectMetrics, type MetricsRead } from '../metrics/project-metrics.js';
import { clearAlert, insertRaisedAlert, listRaisedAlerts, listRecentAlerts } from '../store/alerts.js';
import type { Queryable } from '../store/db.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { writeProject } from './project-write.js';

/**
 * The next hour's plan moves with the history, which changes by the quarter hour: it is recomputed at most this
 * often per project (the agents who can take chats, the other side of the rule, are read live every time).
 */
export const ALERT_PLAN_TTL_MS = 60_000;
const HOUR_MS = 3_600_000;

interface Transitions {
  raise: RuleReading[];
  clear: Alert[];
}

/** What to write for `readings` given the raised alerts: breached rules not raised yet, raised ones not breached now. */
function transitionsOf(raised: readonly Alert[], readings: readonly RuleReading[]): Transitions {
  const breached = readings.filter((r) => r.breached);
  return {
    raise: breached.filter((r) => !raised.some((a) => a.rule === r.rule)),
    clear: raised.filter((a) => !breached.some((r) => r.rule === a.rule)),
  };
}

export interface AlertList {
  alerts: Alert[];
}

export class AlertsService {
  private readonly plans = new Map<string, { at: number; agentsNeeded: number | null }>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly forecast: ForecastService,
  ) {}

  /** `GET /:pid/alerts`: evaluated first, so the answer is as of now. Owners, admins and supervisors. */
  async list(actor: Actor, projectId: string, opts: { all: boolean; limit: number }): Promise<AlertList> {
    const { viewer } = await requireMembership(this.deps.db, projectId, actor);
    if (!isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Alerts are for owners, admins and supervisors.');
    await this.evaluate(projectId);
    const q: Queryable = this.deps.db;
    return { alerts: opts.all ? await listRecentAlerts(q, projectId, opts.limit) : await listRaisedAlerts(q, projectId) };
  }

  /**
   * Reads the rules now (from `read` when the caller just computed the metrics) and writes the transitions. The
   * project row is locked only when something is to change, and the raised alerts are read again under the lock:
   * another node may have written the same transition meanwhile.
   */
  async evaluate(projectId: string, given?: MetricsRead): Promise<void> {
    const db = this.deps.db;
    const read = given ?? (await computeProjectMetrics(db, projectId));
    if (read === null) return;
    const settings = alertSettingsOf(read.settings.alerts);
    const shortfall = settings.forecast_shortfall ? await this.shortfall(projectId, read) : null;
    const readings = readRules(settings, read.metrics, shortfall);
    const planned = transitionsOf(await listRaisedAlerts(db, projectId), readings);
    if (planned.raise.length === 0 && planned.clear.length === 0) return;
    await writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      const { raise, clear } = transitionsOf(await listRaisedAlerts(tx, projectId), readings);
      for (const alert of clear) {
        const cleared = await clearAlert(tx, projectId, alert.id);
        if (cleared) outbox.emit({ kind: 'alert', method: 'UPDATE', entityId: cleared.id, requestId: null, scope: null, prevScope: null, data: cleared });
      }
      for (const r of raise) {
        const raised = await insertRaisedAlert(tx, { id: newId(), projectId, rule: r.rule, value: r.value, threshold: r.threshold, message: r.message });
        if (raised) outbox.emit({ kind: 'alert', method: 'CREATE', entityId: raised.id, requestId: null, scope: null, prevScope: null, data: raised });
      }
    });
  }

  /** The most agents an interval of the next hour's plan needs, against who can take chats now; null without a plan. */
  private async shortfall(projectId: string, read: MetricsRead): Promise<ShortfallReading | null> {
    const now = Date.now();
    let plan = this.plans.get(projectId);
    if (plan === undefined || now - plan.at >= ALERT_PLAN_TTL_MS) {
      const f = await this.forecast.compute(projectId, { horizonHours: 1, intervalMinutes: 15, at: now });
      const needs = f.intervals.filter((i) => Date.parse(i.start) < now + HOUR_MS && i.agents_needed !== null).map((i) => i.agents_needed!);
      plan = { at: now, agentsNeeded: needs.length > 0 ? Math.max(...needs) : null };
      this.plans.set(projectId, plan);
    }
    if (plan.agentsNeeded === null) return null;
    const agents = read.metrics.now.agents;
    return { agentsNeeded: plan.agentsNeeded, agentsCanTakeChats: agents.available + agents.busy };
  }
}
