/**
 * The staffing plan: for each forecast interval, the agents the service-level target needs for the forecast
 * arrivals (the mean), with that interval's handle time and the chat-concurrency correction (h = AHT / c, as
 * `estimateStaffing`). Erlang A when the history shows how long visitors wait before abandoning (a known patience),
 * Erlang C otherwise (nobody abandons: it can only ask for more agents than visitors who leave would need).
 */
import { agentsNeededErlangA, erlangA } from './erlang-a.js';
import { agentsNeeded, serviceLevel } from './erlang-c.js';
import type { ForecastInterval } from './forecast-types.js';
import { estimateHandleTime, MIN_HANDLE_SAMPLES, type HandleSamples, type HandleTimeEstimate } from './handle-time-estimate.js';

export interface StaffingPlanInput {
  intervals: readonly ForecastInterval[];
  /** Handle-time samples per interval (same order), e.g. from `handleSamplesBySlot`; missing: the default. */
  handleSamples?: readonly (HandleSamples | undefined)[];
  defaultHandleSeconds: number;
  minHandleSamples?: number;
  concurrency: number;
  /** Target share answered within `withinSeconds`. */
  target: number;
  withinSeconds: number;
  maxAsaSeconds?: number;
  /** Mean patience from `estimatePatience`; null: unknown, plan with Erlang C. */
  patienceSeconds: number | null;
  /** With Erlang A, judge the target as deskwire measures it (early abandons left out); default: per offered. */
  excludeEarlyAbandons?: boolean;
}

export interface PlanRow extends ForecastInterval {
  handle_seconds: number;
  handle_source: HandleTimeEstimate['source'];
  model: 'erlang_c' | 'erlang_a';
  /** For the mean arrivals; null past the search limit. */
  agents_needed: number | null;
  service_level_at_needed: number | null;
  /** Share expected to abandon with agents_needed agents (0 under Erlang C). */
  abandon_rate_at_needed: number | null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function staffingPlan(input: StaffingPlanInput): PlanRow[] {
  if (!(input.concurrency > 0) || !Number.isFinite(input.concurrency)) throw new RangeError(`concurrency must be > 0, got ${input.concurrency}`);
  if (!(input.target > 0 && input.target < 1)) throw new RangeError(`target must be between 0 and 1, got ${input.target}`);
  if (!(input.withinSeconds >= 0) || !Number.isFinite(input.withinSeconds)) throw new RangeError(`withinSeconds must be ≥ 0, got ${input.withinSeconds}`);
  const patience = input.patienceSeconds;
  if (patience !== null && !(patience > 0 && Number.isFinite(patience))) throw new RangeError(`patienceSeconds must be > 0 or null, got ${patience}`);
  if (input.handleSamples !== undefined && input.handleSamples.length !== input.intervals.length) {
    throw new RangeError(`handleSamples has ${input.handleSamples.length} entries for ${input.intervals.length} intervals`);
  }
  const target = { serviceLevel: input.target, withinSeconds: input.withinSeconds, maxAsaSeconds: input.maxAsaSeconds };

  return input.intervals.map((interval, i): PlanRow => {
    const seconds = (Date.parse(interval.end) - Date.parse(interval.start)) / 1000;
    if (!(seconds > 0)) throw new RangeError(`interval ${i} does not end after it starts`);
    const handle = estimateHandleTime(input.handleSamples?.[i] ?? { count: 0, sumSeconds: 0 }, input.defaultHandleSeconds, input.minHandleSamples ?? MIN_HANDLE_SAMPLES);
    const effective = handle.seconds / input.concurrency;
    const erlangs = (interval.arrivals.mean / seconds) * effective;
    const common = { ...interval, handle_seconds: handle.seconds, handle_source: handle.source };
    if (patience === null) {
      const needed = agentsNeeded(erlangs, effective, target);
      return {
        ...common,
        model: 'erlang_c',
        agents_needed: needed,
        service_level_at_needed: needed === null ? null : round(serviceLevel(needed, erlangs, input.withinSeconds, effective), 4),
        abandon_rate_at_needed: needed === null ? null : 0,
      };
    }
    const needed = agentsNeededErlangA(erlangs, effective, patience, { ...target, excludeEarlyAbandons: input.excludeEarlyAbandons });
    const at = needed === null ? null : erlangA(needed, erlangs, effective, patience, input.withinSeconds);
    return {
      ...common,
      model: 'erlang_a',
      agents_needed: needed,
      service_level_at_needed: at === null ? null : round(input.excludeEarlyAbandons ? at.serviceLevelExcludingEarlyAbandons : at.serviceLevel, 4),
      abandon_rate_at_needed: at === null ? null : round(at.abandonProbability, 4),
    };
  });
}
