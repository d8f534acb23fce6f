/**
 * The live staffing answer: a short-window arrival rate (exponentially weighted, live-arrival-rate.ts), a handle time
 * that falls back to the project's default below MIN_HANDLE_SAMPLES closes (handle-time-estimate.ts), and Erlang C
 * plus the backlog to clear (backlog-staffing.ts), against the agents who can take chats now. Definitions:
 * docs/metrics.md, "Live staffing".
 */
import type { InputSource, LiveStaffing } from '../domain/metrics.js';
import type { ProjectSettings } from '../domain/project.js';
import { estimateBacklogStaffing } from './backlog-staffing.js';
import { estimateHandleTime, MIN_HANDLE_SAMPLES, type HandleSamples } from './handle-time-estimate.js';
import { arrivalRateFromWeighted, type ArrivalRateEstimate } from './live-arrival-rate.js';

export interface LiveStaffingInput {
  arrivals: { weighted: number; now: number; observedSince: number; halfLifeSeconds: number; forecastPerHour: number | null };
  handled: HandleSamples;
  /** Mean chat limit of the agents who can take chats; null when nobody can (the project's limit is used). */
  measuredConcurrency: number | null;
  waitedSeconds: readonly number[];
  agentsCanTakeChats: number;
  settings: ProjectSettings;
}

const arrivalSource: Record<ArrivalRateEstimate['source'], InputSource> = { live: 'measured', blended: 'blended', forecast: 'forecast' };

/**
 * The backlog model needs a target strictly between 0 and 1; a project may set 0 or 1. Planning for "every single
 * one" is planned for 99.99 %, "none" for 0.01 % (docs/metrics.md).
 */
const plannableTarget = (t: number) => Math.min(0.9999, Math.max(0.0001, t));

export function liveStaffing(input: LiveStaffingInput): LiveStaffing {
  const { settings } = input;
  const rate = arrivalRateFromWeighted({
    weightedArrivals: input.arrivals.weighted,
    now: input.arrivals.now,
    observedSince: input.arrivals.observedSince,
    halfLifeSeconds: input.arrivals.halfLifeSeconds,
    forecastPerHour: input.arrivals.forecastPerHour,
  });
  const handle = estimateHandleTime(input.handled, settings.default_handle_seconds);
  const concurrency = Math.max(1, input.measuredConcurrency ?? settings.max_agent_assigned_chat);
  const b = estimateBacklogStaffing({
    arrivalsPerHour: rate.per_hour,
    ahtSeconds: handle.seconds,
    concurrency,
    target: plannableTarget(settings.service_level_target),
    withinSeconds: settings.service_level_seconds,
    waiting: input.waitedSeconds.length,
    waitedSeconds: input.waitedSeconds,
    agentsAvailable: input.agentsCanTakeChats,
  });
  return {
    arrivals_per_hour: b.arrivals_per_hour,
    aht_seconds: b.aht_seconds,
    concurrency: b.concurrency,
    sources: {
      arrivals_per_hour: arrivalSource[rate.source],
      aht_seconds: handle.source,
      concurrency: input.measuredConcurrency === null ? 'default' : 'measured',
    },
    arrival_rate: {
      half_life_seconds: rate.half_life_seconds,
      observed_seconds: Math.round((input.arrivals.now - input.arrivals.observedSince) / 1000),
      weighted_arrivals: rate.weighted_arrivals,
      live_per_hour: rate.live_per_hour,
      forecast_per_hour: rate.forecast_per_hour,
    },
    handle_time: { samples: handle.samples, min_samples: MIN_HANDLE_SAMPLES, default_seconds: settings.default_handle_seconds },
    target: settings.service_level_target,
    within_seconds: settings.service_level_seconds,
    effective_handle_seconds: b.effective_handle_seconds,
    traffic_erlangs: b.traffic_erlangs,
    steady_state_agents: b.steady_state_agents,
    backlog: {
      waiting: b.waiting,
      waiting_past_threshold: b.waiting_past_threshold,
      agents_needed: b.backlog_agents,
      clear_within_seconds: b.clear_within_seconds,
    },
    agents_needed: b.agents_needed,
    agents_can_take_chats: input.agentsCanTakeChats,
    shortfall: b.shortfall,
    expected_service_level: b.expected_service_level,
    expected_service_level_at_needed: b.expected_service_level_at_needed,
    horizon_seconds: b.horizon_seconds,
    agents_staffed: input.agentsCanTakeChats,
    service_level_with_current: b.expected_service_level,
  };
}
