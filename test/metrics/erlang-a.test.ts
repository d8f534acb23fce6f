import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentsNeededErlangA, erlangA } from '../../src/metrics/erlang-a.js';
import { agentsNeeded, averageSpeedOfAnswer, erlangC, serviceLevel } from '../../src/metrics/erlang-c.js';
import { simulateSteadyState } from './queue-simulation.js';
import { seededRandom } from './seeded-random.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

test('as patience grows without bound Erlang A becomes Erlang C', () => {
  // The standard example: 48 Erlangs, 240 s, 54 agents, 20 s threshold (Erlang C: P(wait) 0.3013, SL 0.8172,
  // ASA 12.05 s).
  const c = { wait: erlangC(54, 48), sl: serviceLevel(54, 48, 20, 240), asa: averageSpeedOfAnswer(54, 48, 240) };
  const previousGap: number[] = [];
  for (const patience of [600, 1e4, 1e6, 1e9]) {
    const a = erlangA(54, 48, 240, patience, 20);
    const gap = Math.abs(a.serviceLevel - c.sl);
    if (previousGap.length > 0) assert.ok(gap < previousGap.at(-1)!, `SL gap shrinks: ${gap} after ${previousGap.at(-1)}`);
    previousGap.push(gap);
    // Abandonment only ever helps the ones who stay: shorter waits, higher SL among answered.
    assert.ok(a.asaSeconds! <= c.asa + 1e-9);
  }
  const far = erlangA(54, 48, 240, 1e9, 20);
  close(far.waitProbability, c.wait, 1e-6, 'P(wait)');
  close(far.serviceLevel, c.sl, 1e-6, 'SL');
  close(far.asaSeconds!, c.asa, 1e-3, 'ASA');
  assert.ok(far.abandonProbability < 1e-7);
  // Patience Infinity is exactly Erlang C.
  assert.equal(erlangA(54, 48, 240, Number.POSITIVE_INFINITY, 20).serviceLevel, c.sl);
  assert.equal(agentsNeededErlangA(48, 240, Number.POSITIVE_INFINITY, { serviceLevel: 0.8, withinSeconds: 20 }), agentsNeeded(48, 240, { serviceLevel: 0.8, withinSeconds: 20 }));
});

test('the closed forms agree with a discrete-event simulation of the queue', () => {
  // Three regimes: critically loaded (n = A), comfortably staffed, and overloaded (n < A: only abandonment keeps it
  // stable). 200,000 simulated visitors each; the tolerances are about 4 standard errors of the simulation (batch
  // estimates: ±0.003 on shares, ±0.2 s on the ASA), while abandoning or not changes these figures by ten times more.
  const cases = [
    { servers: 4, erlangs: 4, handleSeconds: 40, patienceSeconds: 60, withinSeconds: 20 },
    { servers: 10, erlangs: 8, handleSeconds: 100, patienceSeconds: 200, withinSeconds: 30 },
    { servers: 5, erlangs: 8, handleSeconds: 60, patienceSeconds: 30, withinSeconds: 10 },
  ];
  for (const [i, c] of cases.entries()) {
    const m = erlangA(c.servers, c.erlangs, c.handleSeconds, c.patienceSeconds, c.withinSeconds);
    const s = simulateSteadyState({ ...c, arrivalsPerSecond: c.erlangs / c.handleSeconds }, 200_000, 2_000, seededRandom(100 + i));
    const what = (name: string) => `case ${i} ${name}`;
    close(m.waitProbability, s.foundAllBusy / s.offered, 0.012, what('P(wait)'));
    close(m.abandonProbability, s.abandoned / s.offered, 0.008, what('P(abandon)'));
    close(m.serviceLevel, s.answeredWithin / s.offered, 0.01, what('SL per offered'));
    close(m.serviceLevelExcludingEarlyAbandons, s.answeredWithin / (s.offered - s.abandonedWithin), 0.01, what('SL without early abandons'));
    close(m.asaSeconds!, s.answeredWaitSum / s.answered, 0.4, what('ASA of answered'));
  }
});

test('the negative-binomial route equals the textbook hypoexponential form, state by state', () => {
  // A visitor with j ahead is answered within T with probability nμ/(nμ + (j+1)θ) · P(Y ≤ T), Y a sum of
  // exponentials of distinct rates nμ + mθ, m = 1…j+1, whose tail is the partial-fraction sum
  // P(Y > t) = Σ_i e^(−r_i t) Π_{k≠i} r_k / (r_k − r_i). That form cancels badly for long sums, so the check keeps
  // the load light enough that states past j = 11 hold less than 1e-12 of the mass.
  const n = 2;
  const mu = 1 / 100;
  const theta = 1 / 50;
  const T = 30;
  const lambda = 0.006;
  const hypoTail = (rates: number[], t: number) =>
    rates.reduce((sum, ri, i) => sum + Math.exp(-ri * t) * rates.reduce((prod, rk, k) => (k === i ? prod : (prod * rk) / (rk - ri)), 1), 0);
  // Stationary weights: states 0…n−1, then n + j.
  const below = [1, lambda / mu]; // π0, π1 relative to π0
  const upper = [below[1]! * (lambda / (2 * mu))]; // π2
  for (let j = 1; j <= 11; j++) upper.push(upper.at(-1)! * (lambda / (n * mu + j * theta)));
  const total = below.reduce((a, b) => a + b, 0) + upper.reduce((a, b) => a + b, 0);
  let expected = (below[0]! + below[1]!) / total;
  upper.forEach((weight, j) => {
    const rates = Array.from({ length: j + 1 }, (_, m) => n * mu + (m + 1) * theta);
    expected += (weight / total) * ((n * mu) / (n * mu + (j + 1) * theta)) * (1 - hypoTail(rates, T));
  });
  assert.ok(upper.at(-1)! / total < 1e-12, 'the truncation of this check is negligible');
  close(erlangA(n, lambda / mu, 100, 50, T).serviceLevel, expected, 1e-10, 'SL, two agents');
});

test('agents needed: the bisection finds the smallest count, and abandonment lowers it', () => {
  for (const [erlangs, handle, patience, sl, within] of [
    [48, 240, 120, 0.8, 20],
    [5, 300, 60, 0.9, 60],
    [120, 90, 400, 0.85, 30],
  ] as const) {
    const target = { serviceLevel: sl, withinSeconds: within };
    const found = agentsNeededErlangA(erlangs, handle, patience, target)!;
    assert.ok(erlangA(found, erlangs, handle, patience, within).serviceLevel >= sl, 'meets the target');
    assert.ok(erlangA(found - 1, erlangs, handle, patience, within).serviceLevel < sl, 'one fewer does not');
    // Searching upward from 1 agrees (the service level grows with the agents).
    let scan = 1;
    while (erlangA(scan, erlangs, handle, patience, within).serviceLevel < sl) scan++;
    assert.equal(found, scan);
  }
  // Abandonment with the per-offered convention: visitors who leave early are misses, so a short patience may need
  // as many agents as Erlang C; judged as deskwire measures (early abandons left out) it never needs more.
  const c = agentsNeeded(48, 240, { serviceLevel: 0.8, withinSeconds: 20 })!;
  const measured = agentsNeededErlangA(48, 240, 120, { serviceLevel: 0.8, withinSeconds: 20, excludeEarlyAbandons: true })!;
  assert.ok(measured < c, `${measured} with abandonment vs ${c} without`);
  assert.equal(agentsNeededErlangA(0, 240, 120, { serviceLevel: 0.8, withinSeconds: 20 }), 0);
  // An ASA ceiling can only ask for more.
  assert.ok(agentsNeededErlangA(48, 240, 600, { serviceLevel: 0.8, withinSeconds: 20, maxAsaSeconds: 2 })! > agentsNeededErlangA(48, 240, 600, { serviceLevel: 0.8, withinSeconds: 20 })!);
});

test('extreme inputs stay finite: no agents, thousands of agents, heavy overload', () => {
  const none = erlangA(0, 3, 100, 60, 20);
  assert.deepEqual([none.serviceLevel, none.abandonProbability, none.asaSeconds], [0, 1, null]);
  const big = erlangA(5200, 5000, 180, 300, 30);
  assert.ok(big.serviceLevel > 0.9 && big.serviceLevel <= 1, `5000 Erlangs: ${big.serviceLevel}`);
  const overload = erlangA(10, 40, 100, 120, 20);
  // Served at most n/A of the time: at least 75 % abandon.
  assert.ok(overload.abandonProbability > 0.75 && overload.abandonProbability < 1, `overload: ${overload.abandonProbability}`);
  assert.ok(Number.isFinite(overload.asaSeconds!));
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => erlangA(2.5, 3, 100, 60, 20), /agents/);
  assert.throws(() => erlangA(3, -1, 100, 60, 20), /erlangs/);
  assert.throws(() => erlangA(3, 2, 0, 60, 20), /handleSeconds/);
  assert.throws(() => erlangA(3, 2, 100, 0, 20), /patienceSeconds/);
  assert.throws(() => erlangA(3, 2, 100, 60, Number.NaN), /withinSeconds/);
  assert.throws(() => agentsNeededErlangA(3, 100, -5, { serviceLevel: 0.8, withinSeconds: 20 }), /patienceSeconds/);
});
