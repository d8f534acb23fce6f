/** Deterministic randomness for the capacity-model tests, so a failure reproduces from its seed. */

// mulberry32, the one seeded generator of the project (simulate's `--seed` draws from it too).
export { seededRandom } from '../../src/cli/simulate-random.js';

/** An exponential draw with the given mean. */
export function exponential(random: () => number, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** A Poisson draw: sequential inversion from the mode-free start, fine for the means of one interval (< ~500). */
export function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  const u = random();
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  // Past e^(−745) the start underflows; split a large mean into pieces (a sum of Poissons is Poisson).
  if (p === 0) return poisson(random, mean / 2) + poisson(random, mean / 2);
  while (u > cdf && k < 100_000) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
