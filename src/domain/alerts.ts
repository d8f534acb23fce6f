/**
 * Alert rules of a project and the alert object (docs/metrics.md, "Alerts"; docs/protocol.md, `/P/alerts`). The
 * rules are read against the live metrics and the next hour's staffing plan; everything here is pure.
 */
import type { ProjectMetrics } from './metrics.js';

export const ALERT_RULES = ['waiting_above', 'longest_wait_above', 'service_level_below_target', 'forecast_shortfall'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** The project's `settings.alerts`: a number rule set to null is off, a boolean rule set to false is off. */
export interface AlertSettings {
  waiting_above: number | null;
  longest_wait_above_seconds: number | null;
  service_level_below_target: boolean;
  forecast_shortfall: boolean;
}

export const defaultAlertSettings: AlertSettings = {
  waiting_above: 10,
  longest_wait_above_seconds: 300,
  service_level_below_target: true,
  forecast_shortfall: true,
};

/** The ranges the number rules may be set within (checked at the HTTP edge). */
export const ALERT_RANGES = {
  waiting_above: { min: 0, max: 100_000 },
  longest_wait_above_seconds: { min: 1, max: 86_400 },
} as const;

/** The 15-minute service level is judged only once this many requests were decided in the window (no alarm on 1). */
export const SERVICE_LEVEL_MIN_DECIDED = 5;

export interface Alert {
  id: string;
  project_id: string;
  rule: AlertRule;
  state: 'raised' | 'cleared';
  /** The measured value when the alert was raised. */
  value: number;
  threshold: number;
  message: string;
  raised_at: string;
  cleared_at: string | null;
}

/** The settings as stored (possibly partial, possibly absent) completed with the defaults. */
export function alertSettingsOf(stored: Partial<AlertSettings> | undefined): AlertSettings {
  return { ...defaultAlertSettings, ...(stored ?? {}) };
}

/** The next hour as the staffing plan sees it: the most agents any of its intervals needs, and who can take chats. */
export interface ShortfallReading {
  agentsNeeded: number;
  agentsCanTakeChats: number;
}

/** One rule's verdict now: breached or not, with the value and threshold an alert would carry. */
export interface RuleReading {
  rule: AlertRule;
  breached: boolean;
  value: number;
  threshold: number;
  message: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Each rule that is on and measurable now. A rule that is off or cannot be judged (no decided requests, no plan) is
 * absent: an alert of it that is raised clears.
 */
export function readRules(settings: AlertSettings, metrics: ProjectMetrics, shortfall: ShortfallReading | null): RuleReading[] {
  const out: RuleReading[] = [];
  const now = metrics.now;
  if (settings.waiting_above !== null) {
    const threshold = settings.waiting_above;
    out.push({
      rule: 'waiting_above',
      breached: now.waiting > threshold,
      value: now.waiting,
      threshold,
      message: `${plural(now.waiting, 'request is', 'requests are')} waiting (alert above ${threshold}).`,
    });
  }
  if (settings.longest_wait_above_seconds !== null) {
    const threshold = settings.longest_wait_above_seconds;
    const value = now.longest_wait_seconds ?? 0;
    out.push({
      rule: 'longest_wait_above',
      breached: value > threshold,
      value,
      threshold,
      message: `The longest wait is ${Math.round(value)} s (alert above ${threshold} s).`,
    });
  }
  const sl = metrics.windows['15m'].service_level;
  if (settings.service_level_below_target && sl.value !== null && sl.met + sl.missed >= SERVICE_LEVEL_MIN_DECIDED) {
    out.push({
      rule: 'service_level_below_target',
      breached: sl.value < sl.target,
      value: sl.value,
      threshold: sl.target,
      message: `Service level over the last 15 minutes is ${Math.round(sl.value * 100)}% (target ${Math.round(sl.target * 100)}% within ${sl.within_seconds} s).`,
    });
  }
  if (settings.forecast_shortfall && shortfall !== null) {
    const { agentsNeeded, agentsCanTakeChats } = shortfall;
    out.push({
      rule: 'forecast_shortfall',
      breached: agentsNeeded > agentsCanTakeChats,
      value: agentsNeeded,
      threshold: agentsCanTakeChats,
      message: `The next hour's plan needs ${plural(agentsNeeded, 'agent', 'agents')}; ${agentsCanTakeChats} can take chats now.`,
    });
  }
  return out;
}
