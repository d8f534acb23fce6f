/**
 * Erlang C (M/M/N queue): the probability that a contact waits, the service level and the average speed of answer
 * for N agents under A Erlangs of offered traffic, and the fewest agents that meet a service-level target.
 *
 * The textbook formula divides A^N/N! by a sum of such terms, which overflows past N ≈ 170 and loses precision
 * well before. Erlang B has a stable recurrence (every step is a ratio below 1), and C follows from B exactly:
 *   B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1)),   C(N) = N·B(N) / (N − A·(1 − B(N))).
 */

/** Probability that an arriving contact has to wait; 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, erlangs: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (erlangs * b) / (k + erlangs * b);
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** Share of contacts answered within `withinSeconds`, for a mean (effective) handle time of `handleSeconds`. */
export function serviceLevel(agents: number, erlangs: number, withinSeconds: number, handleSeconds: number): number {
  if (erlangs <= 0) return 1;
  if (agents <= erlangs) return 0;
  return 1 - erlangC(agents, erlangs) * Math.exp((-(agents - erlangs) * withinSeconds) / handleSeconds);
}

/** Average speed of answer in seconds over all contacts (those answered at once count as 0); Infinity when N ≤ A. */
export function averageSpeedOfAnswer(agents: number, erlangs: number, handleSeconds: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return Number.POSITIVE_INFINITY;
  return (erlangC(agents, erlangs) * handleSeconds) / (agents - erlangs);
}

export interface StaffingTarget {
  /** Required share answered within `withinSeconds`, 0..1. */
  serviceLevel: number;
  withinSeconds: number;
  /** Optional ceiling on the average speed of answer. */
  maxAsaSeconds?: number;
}

/** More agents than this is not a staffing answer but a sign of bad input. */
export const MAX_AGENTS = 100_000;

/**
 * The fewest agents that meet the target for `erlangs` of traffic with a mean handle time of `handleSeconds`;
 * 0 when there is no traffic, null when even MAX_AGENTS would not do.
 */
export function agentsNeeded(erlangs: number, handleSeconds: number, target: StaffingTarget): number | null {
  if (erlangs <= 0) return 0;
  // One pass of the Erlang B recurrence: each n reuses B(n − 1), so the search is linear, not quadratic.
  let b = 1;
  for (let n = 1; n <= MAX_AGENTS; n++) {
    b = (erlangs * b) / (n + erlangs * b);
    // Below A the queue grows without bound: no staffing there can meet any target.
    if (n <= erlangs) continue;
    const c = (n * b) / (n - erlangs * (1 - b));
    const sl = 1 - c * Math.exp((-(n - erlangs) * target.withinSeconds) / handleSeconds);
    const asa = (c * handleSeconds) / (n - erlangs);
    if (sl >= target.serviceLevel && (target.maxAsaSeconds === undefined || asa <= target.maxAsaSeconds)) return n;
  }
  return null;
}
