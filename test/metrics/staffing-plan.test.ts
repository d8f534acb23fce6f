import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentsNeededErlangA, erlangA } from '../../src/metrics/erlang-a.js';
import { agentsNeeded } from '../../src/metrics/erlang-c.js';
import type { ForecastInterval } from '../../src/metrics/forecast-types.js';
import { handleSamplesBySlot } from '../../src/metrics/handle-time-by-slot.js';
import { staffingPlan } from '../../src/metrics/staffing-plan.js';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const QUARTER = 15 * 60_000;

/** Forecast rows of 15 minutes with these mean arrivals. */
const rows = (means: number[]): ForecastInterval[] =>
  means.map((mean, i) => ({
    start: new Date(T0 + i * QUARTER).toISOString(),
    end: new Date(T0 + (i + 1) * QUARTER).toISOString(),
    arrivals: { mean, low: Math.floor(mean * 0.8), high: Math.ceil(mean * 1.2) },
  }));

const base = { defaultHandleSeconds: 300, concurrency: 3, target: 0.8, withinSeconds: 60 };

test('without a known patience each interval is staffed with Erlang C and the concurrency correction', () => {
  const plan = staffingPlan({ ...base, intervals: rows([0, 30, 120, 450]), patienceSeconds: null });
  assert.equal(plan.length, 4);
  plan.forEach((row, i) => {
    const mean = [0, 30, 120, 450][i]!;
    // 15 minutes: λ = mean / 900 s; h = 300 / 3 = 100 s.
    assert.equal(row.agents_needed, agentsNeeded((mean / 900) * 100, 100, { serviceLevel: 0.8, withinSeconds: 60 }));
    assert.equal(row.model, 'erlang_c');
    assert.equal(row.handle_seconds, 300);
    assert.equal(row.handle_source, 'default');
    assert.equal(row.abandon_rate_at_needed, 0);
    assert.equal(row.start, rows([0, 30, 120, 450])[i]!.start);
  });
  assert.equal(plan[0]!.agents_needed, 0);
  assert.ok(plan[3]!.agents_needed! > plan[2]!.agents_needed! && plan[2]!.agents_needed! > plan[1]!.agents_needed!);
  assert.ok(plan[3]!.service_level_at_needed! >= 0.8);
});

test('with a known patience the plan uses Erlang A', () => {
  const intervals = rows([450]);
  const plan = staffingPlan({ ...base, intervals, patienceSeconds: 90, excludeEarlyAbandons: true });
  const erlangs = (450 / 900) * 100;
  const expected = agentsNeededErlangA(erlangs, 100, 90, { serviceLevel: 0.8, withinSeconds: 60, excludeEarlyAbandons: true })!;
  assert.equal(plan[0]!.model, 'erlang_a');
  assert.equal(plan[0]!.agents_needed, expected);
  const at = erlangA(expected, erlangs, 100, 90, 60);
  assert.equal(plan[0]!.abandon_rate_at_needed, Math.round(at.abandonProbability * 10_000) / 10_000);
  assert.ok(plan[0]!.abandon_rate_at_needed! > 0);
  // Visitors who give up take load away: judged as deskwire measures, it needs no more than Erlang C.
  assert.ok(plan[0]!.agents_needed! <= staffingPlan({ ...base, intervals, patienceSeconds: null })[0]!.agents_needed!);
});

test('handle time per interval: measured when there are enough samples, the default filling in otherwise', () => {
  const plan = staffingPlan({
    ...base,
    intervals: rows([120, 120, 120]),
    handleSamples: [{ count: 40, sumSeconds: 40 * 600 }, { count: 2, sumSeconds: 2 }, undefined],
    patienceSeconds: null,
  });
  assert.deepEqual(plan.map((r) => [r.handle_seconds, r.handle_source]), [[600, 'measured'], [(2 + 8 * 300) / 10, 'blended'], [300, 'default']]);
  // Twice the handle time, about twice the agents.
  assert.ok(plan[0]!.agents_needed! > 1.6 * plan[2]!.agents_needed!);
});

test('handle-time samples are pooled by local time of day across the days', () => {
  const zone = 'Europe/Paris';
  // 09:00 local (07:00 UTC in March before the change) on three days, 10:00 local on one.
  const at = (iso: string) => Date.parse(iso);
  const history = [
    { start: at('2025-03-03T08:00:00Z'), count: 4, sumSeconds: 1200 },
    { start: at('2025-03-04T08:00:00Z'), count: 2, sumSeconds: 800 },
    { start: at('2025-03-08T08:00:00Z'), count: 1, sumSeconds: 100 },
    { start: at('2025-03-05T09:00:00Z'), count: 5, sumSeconds: 5000 },
  ];
  // After the change (2025-03-31) local 09:00 is 07:00 UTC: still the 09:00 slot.
  const samples = handleSamplesBySlot(history, zone, 60, [at('2025-03-31T07:00:00Z'), at('2025-03-31T08:00:00Z'), at('2025-03-31T12:00:00Z')]);
  assert.deepEqual(samples, [
    { count: 7, sumSeconds: 2100 },
    { count: 5, sumSeconds: 5000 },
    { count: 0, sumSeconds: 0 },
  ]);
});

test('bad input is refused with a clear error', () => {
  const intervals = rows([10]);
  assert.throws(() => staffingPlan({ ...base, intervals, patienceSeconds: 0 }), /patienceSeconds/);
  assert.throws(() => staffingPlan({ ...base, intervals, patienceSeconds: null, concurrency: 0 }), /concurrency/);
  assert.throws(() => staffingPlan({ ...base, intervals, patienceSeconds: null, target: 0 }), /target/);
  assert.throws(() => staffingPlan({ ...base, intervals, patienceSeconds: null, handleSamples: [] }), /handleSamples has 0 entries for 1 intervals/);
  assert.throws(() => staffingPlan({ ...base, intervals: [{ ...intervals[0]!, end: intervals[0]!.start }], patienceSeconds: null }), /does not end after it starts/);
  assert.throws(() => staffingPlan({ ...base, defaultHandleSeconds: -1, intervals, patienceSeconds: null }), /defaultSeconds/);
});
