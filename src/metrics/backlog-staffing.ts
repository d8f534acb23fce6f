/**
 * Live staffing that sees the queue: the agents the steady-state load needs (Erlang C with the chat-concurrency
 * correction, as `estimateStaffing`), plus the agents it takes to answer the requests already waiting, and the
 * service level to expect with the agents who can take chats now, backlog included (docs/metrics.md, "Live
 * staffing with a queue").
 *
 * Backlog agents. Every request waiting now must be answered within the clearing time τ (default: the service-level
 * threshold T). A newly added agent opens `concurrency` (c) chats at once and each of those slots takes another
 * waiting chat about every AHT, so within τ one agent answers about c·(1 + τ/AHT) of them:
 *   backlog_agents = ⌈waiting / (c·(1 + τ/AHT))⌉.
 * Requests that already waited past T are missed whatever happens next, but they still need an agent and, served
 * first in line, delay the others: they count here like any other.
 *
 * Expected service level with the N agents available now, over the next `horizonSeconds` (default 15 minutes), for
 * the requests waiting now and those arriving meanwhile; answered within T / all of them:
 *  - waiting requests are served first, oldest first. With every agent busy (there is a queue), service
 *    completions come at rate N/h (h = AHT / c), so the j-th in line is answered after an Erlang(j, N/h) time,
 *    and it meets the threshold with probability P(Poisson(N·r/h) ≥ j), r = T − its wait so far (0 when r ≤ 0);
 *  - an arrival meets it with the probability the transient M/M/N queue gives (`mmn-transient`): from the start
 *    state "N busy, B waiting", the time-averaged chance of finding k in the system times the chance that the
 *    k − N + 1 completions it waits for happen within T.
 * With too few agents for the load the queue only grows, and the expected level falls toward 0.
 */
import { poissonAtLeast, poissonCdfTable } from './count-distributions.js';
import { agentsNeeded } from './erlang-c.js';
import { timeAveragedOccupancy } from './mmn-transient.js';

export const DEFAULT_HORIZON_SECONDS = 900;

export interface BacklogStaffingInput {
  arrivalsPerHour: number;
  /** Mean handle time of one conversation, seconds (see handle-time-estimate). */
  ahtSeconds: number;
  /** Chats one agent handles at once. */
  concurrency: number;
  /** Target share answered within `withinSeconds`. */
  target: number;
  withinSeconds: number;
  /** Requests waiting now. */
  waiting: number;
  /** How long each waiting request has waited so far, seconds (length `waiting`); all 0 when not given. */
  waitedSeconds?: readonly number[];
  /** Agents who can take chats now. */
  agentsAvailable: number;
  /** Window of the expected service level; default DEFAULT_HORIZON_SECONDS. */
  horizonSeconds?: number;
  /** Time to answer every waiting request within, for `backlog_agents`; default `withinSeconds`. */
  clearWithinSeconds?: number;
}

export interface BacklogStaffing {
  arrivals_per_hour: number;
  aht_seconds: number;
  concurrency: number;
  effective_handle_seconds: number;
  traffic_erlangs: number;
  target: number;
  within_seconds: number;
  waiting: number;
  /** Waiting requests already past the threshold: misses whatever happens now. */
  waiting_past_threshold: number;
  /** Erlang C for the arrival rate alone; null past the search limit. */
  steady_state_agents: number | null;
  backlog_agents: number;
  /** steady_state_agents + backlog_agents. */
  agents_needed: number | null;
  agents_available: number;
  /** agents_needed − agents_available (negative: to spare). */
  shortfall: number | null;
  /** Expected share answered within T over the horizon with the agents available now, backlog included. */
  expected_service_level: number;
  /** The same with agents_needed agents. */
  expected_service_level_at_needed: number | null;
  horizon_seconds: number;
  clear_within_seconds: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function check(input: BacklogStaffingInput): void {
  const positive = { ahtSeconds: input.ahtSeconds, concurrency: input.concurrency };
  for (const [name, v] of Object.entries(positive)) if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be > 0, got ${v}`);
  const nonNegative = { arrivalsPerHour: input.arrivalsPerHour, withinSeconds: input.withinSeconds, horizonSeconds: input.horizonSeconds ?? 1, clearWithinSeconds: input.clearWithinSeconds ?? 0 };
  for (const [name, v] of Object.entries(nonNegative)) if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be ≥ 0, got ${v}`);
  if (!(input.target > 0 && input.target < 1)) throw new RangeError(`target must be between 0 and 1, got ${input.target}`);
  if (!((input.horizonSeconds ?? 1) > 0)) throw new RangeError('horizonSeconds must be > 0');
  for (const [name, v] of Object.entries({ waiting: input.waiting, agentsAvailable: input.agentsAvailable })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
  }
  const waited = input.waitedSeconds;
  if (waited !== undefined) {
    if (waited.length !== input.waiting) throw new RangeError(`waitedSeconds has ${waited.length} entries for ${input.waiting} waiting`);
    if (waited.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('waitedSeconds must be finite numbers ≥ 0');
  }
}

/** Expected share answered within T over the horizon with `agents` agents, backlog first (see above). */
export function expectedServiceLevel(
  agents: number,
  arrivalsPerSecond: number,
  handleSeconds: number,
  withinSeconds: number,
  waitedSeconds: readonly number[],
  horizonSeconds: number,
): number {
  const backlog = waitedSeconds.length;
  const arrivals = arrivalsPerSecond * horizonSeconds;
  if (backlog + arrivals === 0) return 1;
  if (agents === 0) return 0;
  const completionRate = agents / handleSeconds;

  // Oldest first: the j-th in line needs j completions before its remaining time runs out.
  const oldestFirst = [...waitedSeconds].sort((x, y) => y - x);
  let met = 0;
  oldestFirst.forEach((waited, i) => {
    const remaining = withinSeconds - waited;
    if (remaining >= 0) met += poissonAtLeast(i + 1, completionRate * remaining);
  });

  if (arrivals > 0) {
    const initial = backlog > 0 ? pointMass(agents + backlog) : idleStart(agents, arrivalsPerSecond * handleSeconds);
    const occupancy = timeAveragedOccupancy(agents, arrivalsPerSecond, 1 / handleSeconds, horizonSeconds, initial);
    // An arrival finding k ≥ N waits for k − N + 1 completions: P(Poisson(rate·T) ≥ k − N + 1) = 1 − cdf(k − N).
    const cdf = poissonCdfTable(completionRate * withinSeconds, Math.max(0, occupancy.length - agents));
    let answeredWithin = 0;
    for (let k = 0; k < occupancy.length; k++) {
      const p = occupancy[k]!;
      if (p === 0) continue;
      answeredWithin += p * (k < agents ? 1 : 1 - cdf[k - agents]!);
    }
    met += arrivals * answeredWithin;
  }
  return Math.min(1, met / (backlog + arrivals));
}

function pointMass(k: number): Float64Array {
  const v = new Float64Array(k + 1);
  v[k] = 1;
  return v;
}

/** Nobody waits: the equilibrium's shares of 0…N busy (∝ A^k / k!), conditioned on an empty queue. */
function idleStart(agents: number, erlangs: number): Float64Array {
  const logs = Array.from({ length: agents + 1 }, () => 0);
  for (let k = 1; k <= agents; k++) logs[k] = logs[k - 1]! + Math.log(erlangs / k);
  const max = Math.max(...logs);
  const v = Float64Array.from(logs, (l) => Math.exp(l - max));
  const sum = v.reduce((s, x) => s + x, 0);
  return v.map((x) => x / sum);
}

export function estimateBacklogStaffing(input: BacklogStaffingInput): BacklogStaffing {
  check(input);
  const horizon = input.horizonSeconds ?? DEFAULT_HORIZON_SECONDS;
  const clearWithin = input.clearWithinSeconds ?? input.withinSeconds;
  const effective = input.ahtSeconds / input.concurrency;
  const perSecond = input.arrivalsPerHour / 3600;
  const erlangs = perSecond * effective;
  const waited = input.waitedSeconds ?? Array.from({ length: input.waiting }, () => 0);

  const steady = agentsNeeded(erlangs, effective, { serviceLevel: input.target, withinSeconds: input.withinSeconds });
  const perAgent = input.concurrency * (1 + clearWithin / input.ahtSeconds);
  // The small epsilon keeps 30 / 3.333… = 9 from rounding up to 10 through floating-point error.
  const backlogAgents = input.waiting === 0 ? 0 : Math.ceil(input.waiting / perAgent - 1e-9);
  const needed = steady === null ? null : steady + backlogAgents;
  const expected = (agents: number) => expectedServiceLevel(agents, perSecond, effective, input.withinSeconds, waited, horizon);

  return {
    arrivals_per_hour: round(input.arrivalsPerHour, 3),
    aht_seconds: round(input.ahtSeconds, 3),
    concurrency: round(input.concurrency, 3),
    effective_handle_seconds: round(effective, 3),
    traffic_erlangs: round(erlangs, 4),
    target: input.target,
    within_seconds: input.withinSeconds,
    waiting: input.waiting,
    waiting_past_threshold: waited.filter((w) => w > input.withinSeconds).length,
    steady_state_agents: steady,
    backlog_agents: backlogAgents,
    agents_needed: needed,
    agents_available: input.agentsAvailable,
    shortfall: needed === null ? null : needed - input.agentsAvailable,
    expected_service_level: round(expected(input.agentsAvailable), 4),
    expected_service_level_at_needed: needed === null ? null : round(expected(needed), 4),
    horizon_seconds: horizon,
    clear_within_seconds: clearWithin,
  };
}
