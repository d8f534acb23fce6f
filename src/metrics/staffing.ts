import type { StaffingEstimate } from '../domain/metrics.js';
import { agentsNeeded, averageSpeedOfAnswer, serviceLevel } from './erlang-c.js';

export type { StaffingEstimate } from '../domain/metrics.js';

/** The load and the target a staffing estimate is for; measured from the store or given for a what-if. */
export interface StaffingInput {
  arrivalsPerHour: number;
  /** Mean handle time of one conversation, in seconds. */
  ahtSeconds: number;
  /** Conversations one agent handles at once. */
  concurrency: number;
  /** Target share answered within `withinSeconds`. */
  target: number;
  withinSeconds: number;
  /** Optional ceiling on the average speed of answer the staffing must also meet. */
  maxAsaSeconds?: number;
  /** Agents on duty now (available or busy), for the "with current staff" figures. */
  staffedAgents: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const finiteOrNull = (x: number, digits: number) => (Number.isFinite(x) ? round(x, digits) : null);

/**
 * Erlang C corrected for chat concurrency: an agent with `concurrency` chats open at once spends AHT / concurrency
 * of their capacity on each, so the effective handle time is AHT / concurrency and the traffic shrinks by the same
 * factor. Waiting-time figures use the effective handle time too (docs/metrics.md says why and what it ignores).
 */
export function estimateStaffing(input: StaffingInput): StaffingEstimate {
  const effective = input.ahtSeconds / input.concurrency;
  const erlangs = (input.arrivalsPerHour / 3600) * effective;
  const needed = agentsNeeded(erlangs, effective, { serviceLevel: input.target, withinSeconds: input.withinSeconds, maxAsaSeconds: input.maxAsaSeconds });
  const staffed = input.staffedAgents;
  return {
    arrivals_per_hour: round(input.arrivalsPerHour, 3),
    aht_seconds: round(input.ahtSeconds, 3),
    concurrency: round(input.concurrency, 3),
    target: input.target,
    within_seconds: input.withinSeconds,
    max_asa_seconds: input.maxAsaSeconds ?? null,
    effective_handle_seconds: round(effective, 3),
    traffic_erlangs: round(erlangs, 4),
    agents_needed: needed,
    service_level_at_needed: needed === null ? null : round(serviceLevel(needed, erlangs, input.withinSeconds, effective), 4),
    asa_seconds_at_needed: needed === null ? null : finiteOrNull(averageSpeedOfAnswer(needed, erlangs, effective), 3),
    agents_staffed: staffed,
    service_level_with_current: round(serviceLevel(staffed, erlangs, input.withinSeconds, effective), 4),
    asa_seconds_with_current: finiteOrNull(averageSpeedOfAnswer(staffed, erlangs, effective), 3),
    shortfall: needed === null ? null : needed - staffed,
  };
}
