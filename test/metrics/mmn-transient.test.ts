import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeAveragedOccupancy } from '../../src/metrics/mmn-transient.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

/**
 * The same quantity by another method: the Kolmogorov forward equations integrated with classical Runge-Kutta
 * on a truncated state space, averaged with the trapezoid rule.
 */
function rungeKuttaAverage(servers: number, lambda: number, mu: number, horizon: number, start: number, states: number): Float64Array {
  const derivative = (p: Float64Array) => {
    const d = new Float64Array(states);
    for (let k = 0; k < states; k++) {
      const up = k + 1 < states ? lambda : 0;
      const down = Math.min(k, servers) * mu;
      d[k]! -= (up + down) * p[k]!;
      if (k + 1 < states) d[k + 1]! += up * p[k]!;
      if (k > 0) d[k - 1]! += down * p[k]!;
    }
    return d;
  };
  const steps = 20_000;
  const h = horizon / steps;
  let p = new Float64Array(states);
  p[start] = 1;
  const avg = new Float64Array(states);
  const add = (q: Float64Array, w: number) => q.forEach((x, k) => (avg[k]! += (w * x) / steps));
  add(p, 0.5);
  for (let s = 0; s < steps; s++) {
    const k1 = derivative(p);
    const k2 = derivative(p.map((x, k) => x + (h / 2) * k1[k]!));
    const k3 = derivative(p.map((x, k) => x + (h / 2) * k2[k]!));
    const k4 = derivative(p.map((x, k) => x + h * k3[k]!));
    p = p.map((x, k) => x + (h / 6) * (k1[k]! + 2 * k2[k]! + 2 * k3[k]! + k4[k]!));
    add(p, s === steps - 1 ? 0.5 : 1);
  }
  return avg;
}

test('uniformization agrees with integrating the forward equations', () => {
  // 3 agents, handle 100 s, 0.025 arrivals/s (A = 2.5), starting from 3 busy + 5 waiting, over 10 minutes.
  const start = 8;
  const initial = new Float64Array(start + 1);
  initial[start] = 1;
  const fast = timeAveragedOccupancy(3, 0.025, 0.01, 600, initial);
  const slow = rungeKuttaAverage(3, 0.025, 0.01, 600, start, 80);
  for (let k = 0; k < 40; k++) close(fast[k] ?? 0, slow[k]!, 1e-6, `P(${k} in system)`);
  close(fast.reduce((s, x) => s + x, 0), 1, 1e-9, 'total mass');
});

test('over a long horizon the average approaches the equilibrium of the queue', () => {
  // M/M/1 with ρ = 0.5 from empty: equilibrium P(k) = 0.5^(k+1); after 20 hours the start no longer matters.
  const avg = timeAveragedOccupancy(1, 0.005, 0.01, 72_000, Float64Array.of(1));
  for (let k = 0; k < 6; k++) close(avg[k]!, 0.5 ** (k + 1), 2e-3, `P(${k})`);
});

test('no rates: the start is the answer; absurd traffic is refused', () => {
  assert.deepEqual([...timeAveragedOccupancy(0, 0, 0.01, 600, Float64Array.of(0, 1))], [0, 1]);
  assert.throws(() => timeAveragedOccupancy(10, 1e4, 0.01, 3600, Float64Array.of(1)), /steps/);
});
