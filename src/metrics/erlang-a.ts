/**
 * Erlang A (M/M/n+M): n agents, Poisson arrivals, exponential handle times (mean h) and exponential patience (mean
 * p): a visitor still waiting after their patience runs out leaves. Unlike Erlang C it is stable under any load —
 * abandonment drains the queue — and it counts what abandonment costs.
 *
 * Stationary distribution: the birth-death chain on the number of visitors k (birth λ, death min(k, n)·μ plus
 * (k − n)·θ for the waiting ones, μ = 1/h, θ = 1/p). States 0…n come from the Erlang B recurrence (their mass
 * relative to state n is 1/B(n, A) − 1), states n + j from π(n+j)/π(n+j−1) = λ / (nμ + jθ), summed until the
 * remaining tail (a geometric bound) is below 1e-13 of the total. Everything is kept in log space, so thousands of
 * agents or a heavy overload cannot overflow.
 *
 * Waiting time, exact per state (no approximation beyond the truncation): a visitor who arrives with j waiting
 * ahead moves up at rate nμ + iθ while i are ahead, and gives up at rate θ. Because a Markov chain's holding times
 * do not depend on where it jumps next, P(answered within T | j) = P(path to service) × P(Y ≤ T), with
 * P(path) = nμ / (nμ + (j+1)θ) (the product telescopes) and Y a sum of exponentials of rates nμ + mθ, m = 1…j+1.
 * For such a sum e^(−θY) ~ Beta(nμ/θ + 1, j + 1), and for an integer second parameter the Beta distribution
 * function is a negative-binomial sum, so P(Y ≤ T) = 1 − Σ_{k<j+1} NB(k; nμ/θ + 1, e^(−θT)): one running sum
 * gives it for every j at once. The time to service if the visitor never gave up (for abandonment before T) is
 * the same with nμ/θ in place of nμ/θ + 1.
 *
 * Conventions: `serviceLevel` = answered within T / offered, abandoned visitors included (the contact-center
 * convention); `serviceLevelExcludingEarlyAbandons` leaves out those who abandoned before T, as deskwire's measured
 * service level does (docs/metrics.md). `asaSeconds` is the mean wait of answered visitors (0 for those answered at
 * once), the usual ASA.
 */
import { averageSpeedOfAnswer, erlangC, MAX_AGENTS, serviceLevel, type StaffingTarget } from './erlang-c.js';

/** A chain needing more states than this (a very long patience under overload) is refused: use Erlang C. */
export const MAX_QUEUE_STATES = 5_000_000;
const TAIL_TOLERANCE = 1e-13;

export interface ErlangAMetrics {
  /** Share of visitors who find every agent busy. */
  waitProbability: number;
  /** Share of visitors who give up before an agent answers. */
  abandonProbability: number;
  /** Answered within T / offered. */
  serviceLevel: number;
  /** Answered within T / (offered − abandoned within T). */
  serviceLevelExcludingEarlyAbandons: number;
  /** Mean wait of the answered visitors; null when nobody is answered (no agents). */
  asaSeconds: number | null;
  /** States of the chain above n that were summed (the truncation point). */
  queueStates: number;
}

const logAddExp = (x: number, y: number) => {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  return Math.max(x, y) + Math.log1p(Math.exp(-Math.abs(x - y)));
};

function checkInputs(agents: number, erlangs: number, handleSeconds: number, patienceSeconds: number, withinSeconds: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
  if (!(erlangs >= 0) || !Number.isFinite(erlangs)) throw new RangeError(`erlangs must be a finite number ≥ 0, got ${erlangs}`);
  if (!(handleSeconds > 0) || !Number.isFinite(handleSeconds)) throw new RangeError(`handleSeconds must be > 0, got ${handleSeconds}`);
  if (!(patienceSeconds > 0)) throw new RangeError(`patienceSeconds must be > 0 (Infinity: nobody abandons), got ${patienceSeconds}`);
  if (!(withinSeconds >= 0) || !Number.isFinite(withinSeconds)) throw new RangeError(`withinSeconds must be ≥ 0, got ${withinSeconds}`);
}

/** Erlang A figures for `agents` agents under `erlangs` of traffic (λ·h). `patienceSeconds` Infinity gives Erlang C. */
export function erlangA(agents: number, erlangs: number, handleSeconds: number, patienceSeconds: number, withinSeconds: number): ErlangAMetrics {
  checkInputs(agents, erlangs, handleSeconds, patienceSeconds, withinSeconds);
  if (erlangs === 0) {
    return { waitProbability: 0, abandonProbability: 0, serviceLevel: 1, serviceLevelExcludingEarlyAbandons: 1, asaSeconds: 0, queueStates: 0 };
  }
  if (patienceSeconds === Number.POSITIVE_INFINITY) {
    // Nobody abandons: Erlang C, unstable (unbounded waits) with n ≤ A.
    const stable = agents > erlangs;
    const sl = serviceLevel(agents, erlangs, withinSeconds, handleSeconds);
    return {
      waitProbability: erlangC(agents, erlangs),
      abandonProbability: 0,
      serviceLevel: sl,
      serviceLevelExcludingEarlyAbandons: sl,
      asaSeconds: stable ? averageSpeedOfAnswer(agents, erlangs, handleSeconds) : null,
      queueStates: 0,
    };
  }

  const n = agents;
  const mu = 1 / handleSeconds;
  const lambda = erlangs * mu;
  const theta = 1 / patienceSeconds;
  const a = n * mu;

  // log of Σ_{k<n} π_k / π_n = 1/B(n, A) − 1 (−∞ with no agents: there are no states below n).
  let logInvB = 0;
  for (let k = 1; k <= n; k++) logInvB = logAddExp(0, Math.log(k / erlangs) + logInvB);
  const logBelow = n === 0 ? Number.NEGATIVE_INFINITY : logInvB + Math.log1p(-Math.exp(-logInvB));

  // log π_{n+j} / π_n for j = 0, 1, … until the tail is negligible.
  const logUpper: number[] = [0];
  let logTotal = logAddExp(logBelow, 0);
  for (let j = 1; ; j++) {
    if (j > MAX_QUEUE_STATES) {
      throw new RangeError(`Erlang A needs more than ${MAX_QUEUE_STATES} queue states here (patience too long for this overload): use Erlang C`);
    }
    const logTerm = logUpper[j - 1]! + Math.log(lambda / (a + j * theta));
    logUpper.push(logTerm);
    logTotal = logAddExp(logTotal, logTerm);
    const ratio = lambda / (a + (j + 1) * theta);
    if (ratio < 1 && logTerm + Math.log(ratio / (1 - ratio)) < logTotal + Math.log(TAIL_TOLERANCE)) break;
  }

  const pBelow = Math.exp(logBelow - logTotal);
  const logV = -theta * withinSeconds; // log e^(−θT)
  const log1mV = Math.log(-Math.expm1(logV));
  const shape = a / theta; // nμ/θ
  // Running negative-binomial sums: F(J) = Σ_{k<J} NB(k; shape + 1, v) and G(J) = Σ_{k<J} NB(k; shape, v).
  let logNbServed = -(a + theta) * withinSeconds;
  let logNbVirtual = -a * withinSeconds;
  let fServed = 0;
  let fVirtual = 0;
  let harmonic = 0; // Σ_{m=1}^{J} 1 / (nμ + mθ): the mean time to service along the path
  let wait = 0;
  let answered = pBelow;
  let answeredWithin = pBelow;
  let abandonedWithin = 0;
  let answeredWaitSum = 0;
  for (let j = 0; j < logUpper.length; j++) {
    const J = j + 1;
    const k = J - 1;
    if (k > 0) {
      logNbServed += Math.log(shape + k) - Math.log(k) + log1mV;
      logNbVirtual += Math.log(shape + k - 1) - Math.log(k) + log1mV;
    }
    fServed += Math.exp(logNbServed);
    fVirtual += Math.exp(logNbVirtual);
    harmonic += 1 / (a + J * theta);
    const p = Math.exp(logUpper[j]! - logTotal);
    const pathToService = a / (a + J * theta);
    const servedWithin = pathToService * Math.max(0, 1 - fServed);
    const stillWaitingAtT = Math.min(1, fVirtual) * Math.exp(logV);
    wait += p;
    answered += p * pathToService;
    answeredWithin += p * servedWithin;
    abandonedWithin += p * Math.max(0, 1 - servedWithin - stillWaitingAtT);
    answeredWaitSum += p * pathToService * harmonic;
  }
  const abandon = Math.max(0, 1 - answered);
  return {
    waitProbability: Math.min(1, wait),
    abandonProbability: abandon,
    serviceLevel: Math.min(1, answeredWithin),
    serviceLevelExcludingEarlyAbandons: abandonedWithin < 1 ? Math.min(1, answeredWithin / (1 - abandonedWithin)) : 0,
    asaSeconds: answered > 0 ? answeredWaitSum / answered : null,
    queueStates: logUpper.length,
  };
}

export interface ErlangATarget extends StaffingTarget {
  /** Judge the target on `serviceLevelExcludingEarlyAbandons` (deskwire's measured definition) instead of per offered. */
  excludeEarlyAbandons?: boolean;
}

/**
 * The fewest agents meeting the target under Erlang A; 0 without traffic, null past MAX_AGENTS. The service level
 * grows with the number of agents, so the search doubles until the target is met and then bisects.
 */
export function agentsNeededErlangA(erlangs: number, handleSeconds: number, patienceSeconds: number, target: ErlangATarget): number | null {
  checkInputs(0, erlangs, handleSeconds, patienceSeconds, target.withinSeconds);
  if (erlangs === 0) return 0;
  const meets = (n: number) => {
    const m = erlangA(n, erlangs, handleSeconds, patienceSeconds, target.withinSeconds);
    const sl = target.excludeEarlyAbandons ? m.serviceLevelExcludingEarlyAbandons : m.serviceLevel;
    return sl >= target.serviceLevel && (target.maxAsaSeconds === undefined || (m.asaSeconds !== null && m.asaSeconds <= target.maxAsaSeconds));
  };
  let low = 0; // known to fail
  let high = Math.max(1, Math.floor(erlangs));
  while (!meets(high)) {
    low = high;
    if (high >= MAX_AGENTS) return null;
    high = Math.min(MAX_AGENTS, high * 2);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (meets(mid)) high = mid;
    else low = mid;
  }
  return high;
}
