import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countQuantile, logGamma, poissonAtLeast, poissonAtMost, poissonCdfTable, regularizedGammaP } from '../../src/metrics/count-distributions.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

/** P(X ≤ k) by the plain definition, for small means where nothing overflows. */
function plainPoissonCdf(k: number, mean: number): number {
  let term = Math.exp(-mean);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mean / i;
    sum += term;
  }
  return sum;
}

test('log Γ matches factorials and Γ(1/2) = √π', () => {
  close(logGamma(5), Math.log(24), 1e-13, 'ln Γ(5)');
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, 'ln Γ(1/2)');
  close(logGamma(171), [...Array(170).keys()].reduce((s, i) => s + Math.log(i + 1), 0), 1e-9, 'ln 170!');
  assert.throws(() => logGamma(0), /x > 0/);
});

test('Poisson tails agree with the plain sum on both branches of the incomplete gamma', () => {
  for (const mean of [0.3, 2, 7.5, 25]) {
    for (const k of [0, 1, 3, 8, 20, 40]) {
      close(poissonAtMost(k, mean), plainPoissonCdf(k, mean), 1e-12, `P(Poisson(${mean}) ≤ ${k})`);
      close(poissonAtLeast(k + 1, mean), 1 - plainPoissonCdf(k, mean), 1e-12, `P(Poisson(${mean}) ≥ ${k + 1})`);
    }
  }
  assert.equal(poissonAtLeast(0, 3), 1);
  assert.equal(poissonAtLeast(1, 0), 0);
  // Far past where e^(−mean) underflows (values from scipy.stats.poisson.cdf).
  close(poissonAtMost(5000, 5000), 0.5037611677708467, 1e-10, 'P(Poisson(5000) ≤ 5000)');
  close(poissonAtMost(4900, 5000), 0.07934609795706002, 1e-10, 'P(Poisson(5000) ≤ 4900)');
  close(regularizedGammaP(1, 2), 1 - Math.exp(-2), 1e-14, 'P(1, 2) = 1 − e^−2');
});

test('the cumulative table equals the tail function at every k', () => {
  const table = poissonCdfTable(900, 1200);
  for (const k of [0, 700, 850, 900, 960, 1100]) close(table[k]!, poissonAtMost(k, 900), 1e-10, `cdf(${k})`);
  assert.ok(poissonCdfTable(0, 3).every((p) => p === 1));
});

test('count quantiles: Poisson without dispersion, wider with it, exact against a brute-force search', () => {
  const brute = (p: number, mean: number) => {
    let k = 0;
    while (plainPoissonCdf(k, mean) < p) k++;
    return k;
  };
  for (const mean of [0.4, 3, 12.5, 60]) {
    assert.equal(countQuantile(0.1, mean, 0), brute(0.1, mean), `10 % of Poisson(${mean})`);
    assert.equal(countQuantile(0.9, mean, 0), brute(0.9, mean), `90 % of Poisson(${mean})`);
  }
  // Negative binomial with size 1 is geometric: P(X ≤ k) = 1 − q^(k+1), q = m / (1 + m).
  const m = 4;
  const q = m / (1 + m);
  const geometric90 = Math.ceil(Math.log(0.1) / Math.log(q) - 1);
  assert.equal(countQuantile(0.9, m, 1), geometric90);
  assert.ok(countQuantile(0.9, 100, 0.2) > countQuantile(0.9, 100, 0) + 20, 'dispersion widens the interval');
  assert.equal(countQuantile(0.5, 0, 0.1), 0);
  assert.throws(() => countQuantile(1, 3, 0), /0 < p < 1/);
  assert.throws(() => countQuantile(0.5, -1, 0), /mean/);
  assert.throws(() => countQuantile(0.5, 2, -0.1), /dispersion/);
});
