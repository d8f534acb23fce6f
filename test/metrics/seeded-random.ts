/** Deterministic randomness for the capacity-model tests, so a failure reproduces from its seed. */

/** mulberry32: a small 32-bit generator with a full period and good equidistribution for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
