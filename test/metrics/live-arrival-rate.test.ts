import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateArrivalRate, FORECAST_WORTH_ARRIVALS } from '../../src/metrics/live-arrival-rate.js';
import { exponential, seededRandom } from './seeded-random.js';

const MIN = 60_000;
const NOW = Date.parse('2026-03-02T10:00:00Z');

/** Poisson arrival times at `perHour` over [from, to). */
function stream(perHour: number, from: number, to: number, random: () => number): number[] {
  const out: number[] = [];
  for (let t = from + exponential(random, 3_600_000 / perHour); t < to; t += exponential(random, 3_600_000 / perHour)) out.push(t);
  return out;
}

test('a steady stream is measured without bias, also when only a few minutes were observed', () => {
  const random = seededRandom(11);
  let sumLong = 0;
  let sumShort = 0;
  const runs = 400;
  for (let r = 0; r < runs; r++) {
    const arrivals = stream(120, NOW - 60 * MIN, NOW, random);
    sumLong += estimateArrivalRate({ arrivals, now: NOW, observedSince: NOW - 60 * MIN }).per_hour;
    // The desk opened 3 minutes ago: the exposure shrinks with the span, so the rate is not diluted.
    sumShort += estimateArrivalRate({ arrivals: arrivals.filter((t) => t >= NOW - 3 * MIN), now: NOW, observedSince: NOW - 3 * MIN }).per_hour;
  }
  // Mean of 400 runs: standard error about 120/√(400·14) ≈ 1.6 per hour for the long span.
  assert.ok(Math.abs(sumLong / runs - 120) < 6, `mean over an hour: ${sumLong / runs}`);
  assert.ok(Math.abs(sumShort / runs - 120) < 12, `mean over 3 minutes: ${sumShort / runs}`);
});

test('a surge shows within minutes, where the 60-minute average still says it is quiet', () => {
  const random = seededRandom(5);
  // 15 an hour for 55 minutes, then 30 a minute for the last 5.
  const arrivals = [...stream(15, NOW - 60 * MIN, NOW - 5 * MIN, random), ...stream(1800, NOW - 5 * MIN, NOW, random)];
  const live = estimateArrivalRate({ arrivals, now: NOW, observedSince: NOW - 60 * MIN });
  const hourAverage = arrivals.length;
  // After one half-life the weighted rate has moved about half way from 15 to 1800.
  assert.ok(live.per_hour > 700 && live.per_hour < 1300, `5 minutes into the surge: ${live.per_hour}/h`);
  assert.ok(hourAverage < 200, `the 60-minute average: ${hourAverage}/h`);
  assert.equal(live.source, 'live');
  // Ten minutes on, three quarters of the way (at 2^(−2) of the old level left).
  const later = [...arrivals, ...stream(1800, NOW, NOW + 5 * MIN, random)];
  const after10 = estimateArrivalRate({ arrivals: later, now: NOW + 5 * MIN, observedSince: NOW - 60 * MIN });
  assert.ok(after10.per_hour > 1200, `10 minutes into the surge: ${after10.per_hour}/h`);
});

test('blending: the more live evidence, the more weight on the live rate', () => {
  const random = seededRandom(8);
  const since = NOW - 60 * MIN;
  // A quiet desk running at its forecast: a few arrivals are weak evidence, the forecast dominates.
  const quiet = estimateArrivalRate({ arrivals: stream(20, since, NOW, random), now: NOW, observedSince: since, forecastPerHour: 20 });
  assert.equal(quiet.source, 'blended');
  assert.ok(quiet.live_weight < 0.2, `quiet desk live weight ${quiet.live_weight}`);
  // The same desk in a surge the forecast did not see: hundreds of weighted arrivals outweigh it.
  const surge = estimateArrivalRate({ arrivals: stream(1800, NOW - 10 * MIN, NOW, random), now: NOW, observedSince: since, forecastPerHour: 20 });
  assert.ok(surge.live_weight > 0.85, `surge live weight ${surge.live_weight}`);
  // Ten minutes in, the weighted rate has moved three quarters of the way to 1800 (1350 expected).
  assert.ok(surge.per_hour > 1000, `surge rate ${surge.per_hour}`);
  // A lull the forecast did not expect is evidence too: nobody came while 600 an hour were expected.
  const lull = estimateArrivalRate({ arrivals: [], now: NOW, observedSince: since, forecastPerHour: 600 });
  assert.ok(lull.live_weight > 0.7 && lull.per_hour < 200, `lull: ${JSON.stringify(lull)}`);
  // The weight is n / (n + k) with n the weighted count.
  const n = surge.weighted_arrivals;
  assert.ok(Math.abs(surge.live_weight - n / (n + FORECAST_WORTH_ARRIVALS)) < 1e-3);
});

test('with nothing observed yet the forecast stands alone; with no forecast the live rate does', () => {
  const fresh = estimateArrivalRate({ arrivals: [], now: NOW, observedSince: NOW, forecastPerHour: 42 });
  assert.deepEqual({ per_hour: fresh.per_hour, source: fresh.source, live: fresh.live_per_hour }, { per_hour: 42, source: 'forecast', live: null });
  const none = estimateArrivalRate({ arrivals: [], now: NOW, observedSince: NOW });
  assert.deepEqual({ per_hour: none.per_hour, source: none.source }, { per_hour: 0, source: 'live' });
  // Arrivals outside [observedSince, now] are ignored.
  const outside = estimateArrivalRate({ arrivals: [NOW - 90 * MIN, NOW + MIN], now: NOW, observedSince: NOW - 60 * MIN });
  assert.equal(outside.weighted_arrivals, 0);
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => estimateArrivalRate({ arrivals: [], now: NOW, observedSince: NOW + 1 }), /observedSince is after now/);
  assert.throws(() => estimateArrivalRate({ arrivals: [], now: NOW, observedSince: NOW, halfLifeSeconds: 0 }), /halfLifeSeconds/);
  assert.throws(() => estimateArrivalRate({ arrivals: [], now: Number.NaN, observedSince: NOW }), /finite/);
  assert.throws(() => estimateArrivalRate({ arrivals: [], now: NOW, observedSince: NOW, forecastPerHour: -3 }), /forecastPerHour/);
});
