/**
 * The counting distributions the capacity model needs — Poisson tails (how many arrivals or service completions fit
 * in a time) and negative-binomial quantiles (forecast bounds) — computed in log space or through the regularized
 * incomplete gamma function, so they stay finite for means in the thousands where e^(−m) underflows.
 */

// Lanczos approximation (g = 7, n = 9): relative error below 1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_ITERATIONS = 100_000;

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a): a series below x = a + 1, a continued fraction
 * (modified Lentz) above it, each where it converges fast.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaP needs a > 0 and x ≥ 0, got a = ${a}, x = ${x}`);
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  return Math.max(0, 1 - upperFraction(a, x) * Math.exp(logPrefix));
}

/** Continued fraction of Γ(a, x) e^x x^(−a), for x ≥ a + 1. */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** P(X ≥ k) for X ~ Poisson(mean): the chance that at least k events of a Poisson stream fall in the time. */
export function poissonAtLeast(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  // P(X ≥ k) = P(k, mean): k events of rate r happen by t exactly when an Erlang(k, r) time is ≤ t.
  return regularizedGammaP(k, mean);
}

/** P(X ≤ k) for X ~ Poisson(mean). */
export function poissonAtMost(k: number, mean: number): number {
  return 1 - poissonAtLeast(k + 1, mean);
}

/**
 * The `p`-quantile (smallest k with P(X ≤ k) ≥ p) of a count X with the given mean and variance
 * mean + dispersion·mean²: Poisson when `dispersion` is 0, negative binomial above. The pmf is summed from 0 in log
 * space (finite where p^size underflows); the work is about mean + a few standard deviations.
 */
export function countQuantile(p: number, mean: number, dispersion: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`countQuantile needs 0 < p < 1, got ${p}`);
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`countQuantile needs a finite mean ≥ 0, got ${mean}`);
  if (!(dispersion >= 0)) throw new RangeError(`countQuantile needs dispersion ≥ 0, got ${dispersion}`);
  if (mean === 0) return 0;
  // log pmf(0) and the ratio pmf(k)/pmf(k−1) = step(k).
  let logPmf: number;
  let step: (k: number) => number;
  if (dispersion === 0) {
    logPmf = -mean;
    const logMean = Math.log(mean);
    step = (k) => logMean - Math.log(k);
  } else {
    const size = 1 / dispersion;
    const logQ = Math.log(mean / (size + mean)); // log of the per-trial "failure" share
    logPmf = size * Math.log(size / (size + mean));
    step = (k) => Math.log((k - 1 + size) / k) + logQ;
  }
  let cdf = Math.exp(logPmf);
  let k = 0;
  const limit = mean + 50 * Math.sqrt(mean + dispersion * mean * mean) + 50;
  while (cdf < p && k < limit) {
    k += 1;
    logPmf += step(k);
    cdf += Math.exp(logPmf);
  }
  return k;
}

/** P(X ≤ k) for X ~ Poisson(mean), k = 0…maxK, by a running sum of the pmf in log space. */
export function poissonCdfTable(mean: number, maxK: number): Float64Array {
  const cdf = new Float64Array(maxK + 1);
  if (mean <= 0) return cdf.fill(1);
  const logMean = Math.log(mean);
  let logPmf = -mean;
  let sum = 0;
  for (let k = 0; k <= maxK; k++) {
    if (k > 0) logPmf += logMean - Math.log(k);
    sum += Math.exp(logPmf);
    cdf[k] = Math.min(1, sum);
  }
  return cdf;
}
