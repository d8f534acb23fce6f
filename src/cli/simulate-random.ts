/** The distributions `simulate` draws from. Arrivals are a Poisson process: exponential gaps between them. */
export type Random = () => number;

/** An exponential gap with the given mean (ms): the time to the next event of a Poisson process. */
export function exponential(meanMs: number, random: Random = Math.random): number {
  return -Math.log(1 - random()) * meanMs;
}

/**
 * A log-normal handle time with the given mean (ms): right-skewed like real conversations (most short, a few long).
 * sigma 0.6 puts the median at about 84 % of the mean.
 */
export function logNormal(meanMs: number, sigma = 0.6, random: Random = Math.random): number {
  const mu = Math.log(meanMs) - (sigma * sigma) / 2;
  // Box–Muller: one standard normal from two uniforms.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(mu + sigma * z);
}

export function pick<T>(items: readonly T[], random: Random = Math.random): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A seeded generator, for runs that draw the same traffic again (`--seed`). */
export { seededRandom } from '../domain/seeded-random.js';
