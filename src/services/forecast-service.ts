/**
 * `GET /:pid/metrics/forecast` (docs/metrics.md, "Forecast endpoint"): the arrival forecast per interval from the
 * interval history, and the staffing plan of each interval beside the agents who can take chats now. The pure
 * models are forecast.ts and staffing-plan.ts; this reads their inputs from the store.
 */
import { DeskwireError } from '../domain/errors.js';
import { isSupervising } from '../domain/roles.js';
import type { Db } from '../store/db.js';
import { findProject } from '../store/projects.js';
import { forecastArrivals, type BacktestReport, type ForecastMethod, type IntradayAdjustment } from '../metrics/forecast.js';
import { readForecastHistory } from '../metrics/forecast-history.js';
import { handleSamplesBySlot } from '../metrics/handle-time-by-slot.js';
import { estimatePatience } from '../metrics/patience.js';
import { planSettings } from '../metrics/plan-settings.js';
import { computeProjectMetrics, measuredConcurrency } from '../metrics/project-metrics.js';
import { staffingPlan } from '../metrics/staffing-plan.js';
import { requireMembership, type Actor } from './context.js';
import { departmentSlice } from './history-service.js';

export interface ForecastQuery {
  horizonHours: number;
  intervalMinutes: 15 | 60;
  departmentId?: string;
  /** The instant to forecast from (epoch ms); the server's clock by default. */
  at?: number;
}

export interface ForecastAnswer {
  method: ForecastMethod;
  history_days: number;
  interval_minutes: number;
  time_zone: string;
  department: string | null;
  /** The agents who can take chats now, to read `agents_needed` against. */
  agents_can_take_chats: number;
  concurrency: number;
  model: 'erlang_c' | 'erlang_a';
  patience_seconds: number | null;
  intervals: {
    start: string;
    end: string;
    arrivals: { mean: number; low: number; high: number };
    handle_seconds: number;
    handle_source: string;
    agents_needed: number | null;
    service_level_at_needed: number | null;
  }[];
  backtest: Pick<BacktestReport, 'wape' | 'baseline' | 'baseline_wape' | 'days' | 'candidates'>;
  intraday: IntradayAdjustment | null;
}

export class ForecastService {
  constructor(private readonly deps: { db: Db }) {}

  async forecast(actor: Actor, projectId: string, query: ForecastQuery): Promise<ForecastAnswer> {
    const { viewer } = await requireMembership(this.deps.db, projectId, actor);
    if (!isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Forecasts are for owners, admins and supervisors.');
    return this.compute(projectId, query);
  }

  /** The forecast and plan with no access check: for callers that already checked (the route) or act for the node (alerts). */
  async compute(projectId: string, query: ForecastQuery): Promise<ForecastAnswer> {
    const db = this.deps.db;
    const project = await findProject(db, projectId);
    if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const slice = await departmentSlice(db, projectId, query.departmentId);
    const settings = planSettings(project.settings);
    const now = query.at ?? Date.now();
    const { start, rows } = await readForecastHistory(db, project, slice, now, query.intervalMinutes);

    const forecast = forecastArrivals({
      timeZone: settings.timeZone,
      intervalMinutes: query.intervalMinutes,
      points: rows.map((r) => ({ start: r.start, count: r.arrivals })),
      historyStart: start,
      now,
      horizonHours: query.horizonHours,
    });

    const read = await computeProjectMetrics(db, projectId);
    if (!read) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const scope = query.departmentId === undefined ? read.metrics.now : read.metrics.departments.find((d) => d.id === query.departmentId)!.now;
    // The live "can take chats now" rule's count (available + busy under it), for the project or the department.
    const canTakeChats = scope.agents.available + scope.agents.busy;
    // Nobody can take chats now: plan with the project's chat limit.
    const concurrency = measuredConcurrency(read.agents) ?? Math.max(1, settings.max_agent_assigned_chat);
    const totals = rows.reduce(
      (t, r) => ({ abandoned: t.abandoned + r.abandoned, waited: t.waited + r.abandoned_wait_seconds, answered: t.answered + r.answered, frt: t.frt + r.first_response_seconds }),
      { abandoned: 0, waited: 0, answered: 0, frt: 0 },
    );
    const patience = estimatePatience({ abandoned: totals.abandoned, abandonedWaitSeconds: totals.waited, answered: totals.answered, answeredWaitSeconds: totals.frt });
    const plan = staffingPlan({
      intervals: forecast.intervals,
      handleSamples: handleSamplesBySlot(
        rows.map((r) => ({ start: r.start, count: r.handle_count, sumSeconds: r.handle_seconds })),
        settings.timeZone,
        query.intervalMinutes,
        forecast.intervals.map((i) => Date.parse(i.start)),
      ),
      defaultHandleSeconds: settings.defaultHandleSeconds,
      concurrency,
      target: Math.min(0.999, Math.max(0.001, settings.service_level_target)),
      withinSeconds: settings.service_level_seconds,
      patienceSeconds: patience.patience_seconds,
    });
    const { wape, baseline, baseline_wape, days, candidates } = forecast.backtest;
    return {
      method: forecast.method,
      history_days: forecast.history_days,
      interval_minutes: forecast.interval_minutes,
      time_zone: forecast.time_zone,
      department: query.departmentId ?? null,
      agents_can_take_chats: canTakeChats,
      concurrency: Math.round(concurrency * 1000) / 1000,
      model: patience.patience_seconds === null ? 'erlang_c' : 'erlang_a',
      patience_seconds: patience.patience_seconds,
      intervals: plan.map((p) => ({
        start: p.start,
        end: p.end,
        arrivals: p.arrivals,
        handle_seconds: Math.round(p.handle_seconds * 1000) / 1000,
        handle_source: p.handle_source,
        agents_needed: p.agents_needed,
        service_level_at_needed: p.service_level_at_needed,
      })),
      backtest: { wape, baseline, baseline_wape, days, candidates },
      intraday: forecast.intraday,
    };
  }
}
