/**
 * The M/M/N queue away from equilibrium: how the number of contacts in the system evolves over the next H seconds
 * from a known start (say, 30 already waiting), averaged over [0, H] — which, arrivals being Poisson, is what the
 * arrivals of those H seconds find on average (PASTA).
 *
 * Uniformization: with Λ = λ + Nμ the chain is a discrete chain P = I + Q/Λ observed at the jumps of a Poisson(Λ)
 * clock, so π(t) = Σ_i Poisson(i; Λt)·v_i with v_i = v_0·P^i, and the time average is
 *   (1/H)∫₀^H π(t) dt = Σ_i v_i · P(Poisson(ΛH) > i) / (ΛH)     (the weights add up to 1),
 * summed until the weight left is below 1e-10. Only states holding mass above 1e-18 are carried, so the work is
 * about ΛH steps times the width of the distribution.
 */
import { poissonCdfTable } from './count-distributions.js';

/** More uniformization steps than this (ΛH: far more traffic than a help desk has) is refused. */
export const MAX_STEPS = 2_000_000;
const WEIGHT_LEFT = 1e-10;
const NEGLIGIBLE = 1e-18;

/**
 * Time-averaged distribution of the number in system over [0, horizonSeconds] for `servers` servers, arrivals
 * `lambda` and service rate `mu` per second each, starting from `initial` (a distribution over 0…initial.length−1).
 */
export function timeAveragedOccupancy(servers: number, lambda: number, mu: number, horizonSeconds: number, initial: Float64Array): Float64Array {
  const rate = lambda + servers * mu;
  const mean = rate * horizonSeconds;
  if (mean === 0) return Float64Array.from(initial);
  if (mean > MAX_STEPS) throw new RangeError(`the transient needs about ${Math.round(mean)} steps, more than ${MAX_STEPS}`);
  const maxSteps = Math.ceil(mean + 12 * Math.sqrt(mean) + 30);
  const survival = poissonCdfTable(mean, maxSteps).map((c) => 1 - c);
  const size = initial.length + maxSteps + 1;
  let v = new Float64Array(size);
  let next = new Float64Array(size);
  v.set(initial);
  const average = new Float64Array(size);
  let lo = 0;
  let hi = initial.length - 1;
  let left = 1;
  const up = lambda / rate;
  for (let i = 0; i <= maxSteps && left > WEIGHT_LEFT; i++) {
    const w = survival[i]! / mean;
    for (let k = lo; k <= hi; k++) average[k] = average[k]! + w * v[k]!;
    left -= w;
    // One step of P: up with λ/Λ, down with min(k, N)μ/Λ, stay otherwise.
    const newLo = Math.max(0, lo - 1);
    const newHi = hi + 1;
    next.fill(0, newLo, newHi + 1);
    for (let k = lo; k <= hi; k++) {
      const p = v[k]!;
      if (p === 0) continue;
      const down = (Math.min(k, servers) * mu) / rate;
      next[k] = next[k]! + p * (1 - up - down);
      next[k + 1] = next[k + 1]! + p * up;
      if (k > 0) next[k - 1] = next[k - 1]! + p * down;
    }
    [v, next] = [next, v];
    lo = newLo;
    hi = newHi;
    while (hi > lo && v[hi]! < NEGLIGIBLE) v[hi--] = 0;
    while (lo < hi && v[lo]! < NEGLIGIBLE) v[lo++] = 0;
  }
  // The last sliver of weight (< 1e-10) goes to the final state, so the result still adds up to 1.
  if (left > 0) for (let k = lo; k <= hi; k++) average[k] = average[k]! + left * v[k]!;
  return average;
}
