import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateBacklogStaffing, expectedServiceLevel } from '../../src/metrics/backlog-staffing.js';
import { agentsNeeded, serviceLevel } from '../../src/metrics/erlang-c.js';
import { simulateBacklog } from './queue-simulation.js';
import { seededRandom } from './seeded-random.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

/** The demo surge with the project defaults: 80 % within 60 s, 300 s handle time, 3 chats at once. */
const surge = { arrivalsPerHour: 30 * 60, ahtSeconds: 300, concurrency: 3, target: 0.8, withinSeconds: 60, waiting: 30, agentsAvailable: 2 };

test('the demo surge: 30 waiting, 2 agents, 30 arrivals a minute — far more agents needed, service level near 0', () => {
  const s = estimateBacklogStaffing(surge);
  // Computed independently (mpmath, the textbook A^N/N! form at 50 digits): A = 0.5/s × (300 s / 3) = 50 Erlangs;
  // SL(52) = 1 − C(52, 50)·e^(−2·60/100) = 0.7893 < 0.8 and SL(53) = 0.9044, so the load alone needs 53.
  assert.equal(s.traffic_erlangs, 50);
  assert.equal(s.steady_state_agents, 53);
  // The 30 waiting within 60 s: a fresh agent opens 3 chats at once, and each slot takes another every 300 s, so
  // 3 × (1 + 60/300) = 3.6 in 60 s; ⌈30 / 3.6⌉ = 9.
  assert.equal(s.backlog_agents, 9);
  assert.equal(s.agents_needed, 62);
  assert.equal(s.shortfall, 60);
  // With 2 agents, completions come at 2 × 3/300 = 0.02/s: in 60 s about 1.2 of the 30 are answered (exactly
  // Σ_j P(Poisson(1.2) ≥ j) = 1.2), and the 450 who arrive in the next 15 minutes queue behind them (the first
  // of them waits ~1500 s). Expected SL = 1.2 / 480 = 0.0025.
  close(s.expected_service_level, 0.0025, 1e-4, 'expected SL with 2 agents');
  assert.ok(s.expected_service_level < 0.2);
  // With the agents it asks for, the target is met.
  assert.ok(s.expected_service_level_at_needed! >= 0.8, `at needed: ${s.expected_service_level_at_needed}`);
});

test('no backlog: the count is Erlang C and the expected level is close to its equilibrium figure', () => {
  const s = estimateBacklogStaffing({ ...surge, waiting: 0, agentsAvailable: 53 });
  assert.equal(s.backlog_agents, 0);
  assert.equal(s.agents_needed, agentsNeeded(50, 100, { serviceLevel: 0.8, withinSeconds: 60 }));
  // Starting from a calm moment (nobody waiting) the next 15 minutes do a little better than the long run.
  const longRun = serviceLevel(53, 50, 60, 100);
  assert.ok(s.expected_service_level >= longRun - 0.01 && s.expected_service_level <= 1, `${s.expected_service_level} vs ${longRun}`);
  // Too few agents for the load: even from a calm start the level falls far below target.
  assert.ok(estimateBacklogStaffing({ ...surge, waiting: 0, agentsAvailable: 40 }).expected_service_level < 0.5);
});

test('the expected service level with a backlog agrees with a simulation of the queue', () => {
  // 20,000 simulated quarter-hours per case; a batch estimate puts the simulation's standard error near 0.002, and
  // the tolerance is 4 of them. Ignoring the backlog (equilibrium Erlang C) would be off by 0.2 and more here.
  const cases = [
    { servers: 3, arrivalsPerSecond: 0.02, waited: [0, 10, 20, 50, 70] },
    { servers: 6, arrivalsPerSecond: 0.05, waited: Array.from({ length: 12 }, (_, i) => i * 8) },
  ];
  for (const [i, c] of cases.entries()) {
    const formula = expectedServiceLevel(c.servers, c.arrivalsPerSecond, 100, 60, c.waited, 600);
    const sim = simulateBacklog({ servers: c.servers, arrivalsPerSecond: c.arrivalsPerSecond, handleSeconds: 100, withinSeconds: 60 }, c.waited, 600, 20_000, seededRandom(40 + i));
    close(formula, sim.answeredWithin / sim.requests, 0.008, `case ${i}`);
    const equilibrium = serviceLevel(c.servers, c.arrivalsPerSecond * 100, 60, 100);
    assert.ok(Math.abs(equilibrium - formula) > 0.15, `case ${i}: the backlog matters (${formula} vs ${equilibrium})`);
  }
});

test('requests already past the threshold are misses, but still need agents', () => {
  const fresh = estimateBacklogStaffing({ ...surge, arrivalsPerHour: 0, agentsAvailable: 10 });
  const overdue = estimateBacklogStaffing({ ...surge, arrivalsPerHour: 0, agentsAvailable: 10, waitedSeconds: Array.from({ length: 30 }, () => 90) });
  assert.equal(overdue.waiting_past_threshold, 30);
  assert.equal(overdue.backlog_agents, fresh.backlog_agents);
  assert.equal(overdue.expected_service_level, 0);
  assert.ok(fresh.expected_service_level > 0.1);
  // Part-way: the oldest go first, so the 20 that can still make it wait behind the 10 lost ones. With 10 agents
  // (0.1 completions/s, 6 expected in 60 s) the j-th in line makes it with P(Poisson(6) ≥ j): for j = 11…30.
  const mixed = estimateBacklogStaffing({ ...surge, arrivalsPerHour: 0, agentsAvailable: 10, waitedSeconds: [...Array(10).fill(90), ...Array(20).fill(0)] });
  const atLeast = (j: number, mean: number) => {
    let term = Math.exp(-mean);
    let below = 0;
    for (let i = 0; i < j; i++, term *= mean / i) below += term;
    return 1 - below;
  };
  let met = 0;
  for (let j = 11; j <= 30; j++) met += atLeast(j, 6);
  close(mixed.expected_service_level, met / 30, 1e-4, 'behind 10 overdue');
  let ifFirst = 0;
  for (let j = 1; j <= 20; j++) ifFirst += atLeast(j, 6);
  assert.ok(ifFirst / 30 > 5 * mixed.expected_service_level, 'served ahead of them they would do far better');
});

test('a longer clearing time needs fewer backlog agents', () => {
  const quick = estimateBacklogStaffing({ ...surge, clearWithinSeconds: 60 });
  const slow = estimateBacklogStaffing({ ...surge, clearWithinSeconds: 900 });
  // 3 × (1 + 900/300) = 12 per agent: ⌈30 / 12⌉ = 3.
  assert.equal(slow.backlog_agents, 3);
  assert.ok(slow.backlog_agents < quick.backlog_agents);
  assert.equal(estimateBacklogStaffing({ ...surge, agentsAvailable: 0 }).expected_service_level, 0);
  assert.equal(estimateBacklogStaffing({ ...surge, waiting: 0, arrivalsPerHour: 0 }).expected_service_level, 1);
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => estimateBacklogStaffing({ ...surge, waiting: 2, waitedSeconds: [1] }), /waitedSeconds has 1 entries for 2 waiting/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, waiting: -1 }), /waiting/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, agentsAvailable: 1.5 }), /agentsAvailable/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, concurrency: 0 }), /concurrency/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, target: 1.2 }), /target/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, horizonSeconds: 0 }), /horizonSeconds/);
  assert.throws(() => estimateBacklogStaffing({ ...surge, waiting: 1, waitedSeconds: [-3] }), /waitedSeconds/);
});
