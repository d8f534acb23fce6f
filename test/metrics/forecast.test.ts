import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecastArrivals, type ArrivalCount, type ForecastResult } from '../../src/metrics/forecast.js';
import { dailyProfile } from '../../src/metrics/forecast-daily-profile.js';
import { buildTimeline } from '../../src/metrics/forecast-timeline.js';
import { weeklyProfile } from '../../src/metrics/forecast-weekly-profile.js';
import { localClock } from '../../src/metrics/local-clock.js';
import { seededRandom } from './seeded-random.js';
import { aggregate, alternatingWeek, officeWeek, sameShapeWeek, sampleCounts, trueRates, wape, type RateCurve } from './weekly-pattern.js';

const DAY = 86_400_000;
const QUARTER = 15 * 60_000;
const PARIS = 'Europe/Paris';

/** `days` days of 15-minute history from `start`, and the true rates of the following `aheadHours`. */
function world(curve: RateCurve, timeZone: string, start: number, days: number, aheadHours: number, seed: number) {
  const rates = trueRates(curve, timeZone, 15, start, days * 96 + aheadHours * 4);
  const points = sampleCounts(rates.subarray(0, days * 96), start, 15, seededRandom(seed));
  return { points, future: rates.subarray(days * 96), now: start + days * DAY };
}

const means = (f: ForecastResult) => f.intervals.map((i) => i.arrivals.mean);

test('28 days of a known weekly pattern: hourly WAPE against the true rate ≤ 10 %, well under seasonal naive', () => {
  // Monday 5 May 2025, local midnight in Paris: four weeks with no daylight-saving change. About 900 arrivals on
  // Monday–Thursday, 760 on Friday, 360 and 270 at the weekend, with a weekday curve unlike the weekend's.
  const start = Date.parse('2025-05-05T00:00:00+02:00');
  const { points, future, now } = world(officeWeek, PARIS, start, 28, 7 * 24, 2025);
  for (const hours of [24, 7 * 24]) {
    const f = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points, now, horizonHours: hours });
    assert.equal(f.intervals.length, hours * 4);
    assert.equal(f.history_days, 28);
    assert.equal(f.backtest.days, 7);
    assert.notEqual(f.method, 'seasonal_naive');
    const truth = aggregate(future.subarray(0, hours * 4), 4);
    const ours = wape(truth, aggregate(means(f), 4));
    // Seasonal naive by hand: the count of the same interval one week earlier (no clock change in these weeks).
    const naive = f.intervals.map((_, k) => points[points.length - 7 * 96 + (k % (7 * 96))]!.count);
    const baseline = wape(truth, aggregate(naive, 4));
    assert.ok(ours <= 0.1, `${hours} h: WAPE ${ours} with ${f.method}`);
    assert.ok(ours < 0.6 * baseline, `${hours} h: WAPE ${ours} against seasonal naive ${baseline}`);
    // The backtest (on 15-minute counts, Poisson noise included) tells the same story.
    assert.ok(f.backtest.wape! < f.backtest.baseline_wape!, JSON.stringify(f.backtest));
  }
});

test('the 80 % interval holds about 80 % of what then happens', () => {
  const start = Date.parse('2025-05-05T00:00:00+02:00');
  const { points, future, now } = world(officeWeek, PARIS, start, 28, 7 * 24, 7);
  const f = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points, now, horizonHours: 7 * 24 });
  const actual = sampleCounts(future, now, 15, seededRandom(77));
  const inside = f.intervals.filter((iv, k) => actual[k]!.count >= iv.arrivals.low && actual[k]!.count <= iv.arrivals.high).length;
  const share = inside / f.intervals.length;
  // Whole-number bounds on small counts cover a little more than 80 % (both ends are included).
  assert.ok(share >= 0.78 && share <= 0.93, `coverage ${share}`);
  assert.ok(f.intervals.every((iv) => iv.arrivals.low <= iv.arrivals.mean && iv.arrivals.mean <= iv.arrivals.high + 1));
});

test('the backtest picks the method that is better on the future, not a fixed favourite', () => {
  const start = Date.parse('2025-06-02T00:00:00-04:00');
  const zone = 'America/New_York';
  /** The forecast, and the hourly WAPE against the truth of the chosen method and of the two profiles. */
  const judge = (curve: RateCurve, days: number, seed: number) => {
    const { points, future, now } = world(curve, zone, start, days, 7 * 24, seed);
    const f = forecastArrivals({ timeZone: zone, intervalMinutes: 15, points, now, horizonHours: 7 * 24 });
    const t = buildTimeline({ timeZone: zone, intervalMinutes: 15, points }, now, 7 * 24);
    const truth = aggregate(future, 4);
    const errorOf = (fn: typeof weeklyProfile) => wape(truth, aggregate(fn(t, t.observed, t.observed, t.length), 4));
    return { f, chosen: wape(truth, aggregate(means(f), 4)), weekly: errorOf(weeklyProfile), daily: errorOf(dailyProfile) };
  };
  // Two weeks of a desk whose days differ only in level: pooling the shape over every day wins.
  const pooled = judge(sameShapeWeek, 14, 1);
  assert.equal(pooled.f.method, 'daily_profile');
  assert.ok(pooled.daily < pooled.weekly, `on the future: daily ${pooled.daily}, weekly ${pooled.weekly}`);
  // Four weeks of a desk whose weekdays have opposite shapes: the per-weekday profile wins; a pooled shape is wrong.
  const shifts = judge(alternatingWeek, 28, 1);
  assert.equal(shifts.f.method, 'weekly_profile');
  assert.ok(shifts.weekly < shifts.daily, `on the future: weekly ${shifts.weekly}, daily ${shifts.daily}`);
  // The backtest's own figures point the same way in both cases.
  const byMethod = (r: typeof shifts) => Object.fromEntries(r.f.backtest.candidates.map((c) => [c.method, c.wape]));
  assert.ok(byMethod(shifts).daily_profile! > 1.5 * byMethod(shifts).weekly_profile!, JSON.stringify(shifts.f.backtest));
  assert.ok(byMethod(pooled).weekly_profile! > byMethod(pooled).daily_profile!, JSON.stringify(pooled.f.backtest));
  // (The answer's means are rounded to 2 decimals.)
  assert.ok(Math.abs(pooled.chosen - pooled.daily) < 1e-3 && Math.abs(shifts.chosen - shifts.weekly) < 1e-3);
});

test('intraday re-forecast: a day running 50 % hot lifts its remaining intervals, not tomorrow', () => {
  // History to Tuesday 14:00; today's counts so far drawn from 1.5× the true rate.
  const start = Date.parse('2025-05-05T00:00:00+02:00');
  const days = 29;
  const rates = trueRates(officeWeek, PARIS, 15, start, days * 96 + 48 * 4);
  const todayStart = start + 28 * DAY;
  const now = todayStart + 14 * 3_600_000;
  const elapsed = (now - todayStart) / QUARTER;
  const past = sampleCounts(rates.subarray(0, 28 * 96), start, 15, seededRandom(9));
  const todayNormal = sampleCounts(rates.subarray(28 * 96, 28 * 96 + elapsed), todayStart, 15, seededRandom(10));
  const todayHot = sampleCounts(rates.subarray(28 * 96, 28 * 96 + elapsed).map((r) => r * 1.5), todayStart, 15, seededRandom(10));
  const run = (today: ArrivalCount[]) => forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points: [...past, ...today], now, horizonHours: 24 });
  const normal = run(todayNormal);
  const hot = run(todayHot);
  assert.ok(hot.intraday!.actual > 1.4 * normal.intraday!.actual);
  // The expected arrivals of the elapsed part are the same; the ratio is (actual + 25) / (expected + 25).
  assert.equal(hot.intraday!.expected, normal.intraday!.expected);
  assert.ok(hot.intraday!.ratio > 1.35 && hot.intraday!.ratio < 1.6, `hot ratio ${hot.intraday!.ratio}`);
  assert.ok(Math.abs(normal.intraday!.ratio - 1) < 0.1, `normal ratio ${normal.intraday!.ratio}`);
  const todayLeft = (24 - 14) * 4;
  for (let k = 0; k < todayLeft; k++) {
    const h = hot.intervals[k]!.arrivals.mean;
    const n = normal.intervals[k]!.arrivals.mean;
    if (n > 1) assert.ok(Math.abs(h / n - hot.intraday!.ratio / normal.intraday!.ratio) < 0.01, `interval ${k}: ${h} vs ${n}`);
  }
  // Tomorrow is untouched: one hot afternoon is not a new weekly pattern.
  for (let k = todayLeft; k < hot.intervals.length; k++) assert.equal(hot.intervals[k]!.arrivals.mean, normal.intervals[k]!.arrivals.mean);
  // The bounds move with the mean.
  assert.ok(hot.intervals[0]!.arrivals.high >= normal.intervals[0]!.arrivals.high);
});

test('little history: says so and falls back honestly', () => {
  const start = Date.parse('2025-05-05T00:00:00+02:00');
  // No history at all: no forecast, not a line of zeros.
  const none = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points: [], now: start, horizonHours: 24 });
  assert.deepEqual({ method: none.method, days: none.history_days, n: none.intervals.length, wape: none.backtest.wape }, { method: 'none', days: 0, n: 0, wape: null });
  // Five hours: a flat mean of what was seen.
  const opened = start + 8 * 3_600_000;
  const fivePoints = sampleCounts(trueRates(officeWeek, PARIS, 15, opened, 20), opened, 15, seededRandom(1));
  const flat = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points: fivePoints, now: opened + 5 * 3_600_000, horizonHours: 24 });
  assert.equal(flat.method, 'flat_mean');
  assert.equal(flat.history_days, 0.21);
  const seen = fivePoints.reduce((s, p) => s + p.count, 0) / fivePoints.length;
  assert.ok(flat.intervals.every((iv) => Math.abs(iv.arrivals.mean - seen) < 0.01));
  assert.equal(flat.backtest.wape, null);
  // Three days: the daily profile from what exists, no backtest (it needs 7 days before each test day).
  const three = world(officeWeek, PARIS, start, 3, 0, 2);
  const short = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points: three.points, now: three.now, horizonHours: 7 * 24 });
  assert.deepEqual({ method: short.method, days: short.history_days, wape: short.backtest.wape, baseline: short.backtest.baseline_wape }, { method: 'daily_profile', days: 3, wape: null, baseline: null });
  assert.equal(short.intervals.length, 7 * 96);
  assert.ok(short.intervals.every((iv) => Number.isFinite(iv.arrivals.mean) && iv.arrivals.low <= iv.arrivals.high));
  // A history with its first day cut (created at 15:00) and a quiet project (all zero) do not break anything.
  const zeros = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points: [], historyStart: start + 15 * 3_600_000, now: start + 10 * DAY, horizonHours: 24 });
  // Nothing ever arrived: a backtest has nothing to measure a relative error against, so none is reported.
  assert.equal(zeros.method, 'daily_profile');
  assert.ok(zeros.intervals.every((iv) => iv.arrivals.mean === 0 && iv.arrivals.high === 0));
  assert.equal(zeros.backtest.wape, null);
});

test('daylight saving: seasonality follows local time across the change', () => {
  // Four weeks up to Sunday 30 March 2025, 00:00 in Paris; that night 02:00 becomes 03:00.
  const start = Date.parse('2025-03-02T00:00:00+01:00');
  const { points, future, now } = world(officeWeek, PARIS, start, 28, 7 * 24 - 1, 31);
  const f = forecastArrivals({ timeZone: PARIS, intervalMinutes: 15, points, now, horizonHours: 7 * 24 - 1 });
  const clock = localClock(PARIS);
  const sunday = f.intervals.filter((iv) => clock.slotOf(Date.parse(iv.start), 15).day === clock.slotOf(now, 15).day);
  assert.equal(sunday.length, 23 * 4, 'Sunday 30 March has 23 hours');
  // Monday's peak stays at local mid-morning, which is an hour earlier in UTC than the Monday before.
  const peakOf = (day: number) => f.intervals.filter((iv) => clock.slotOf(Date.parse(iv.start), 15).day === day).sort((a, b) => b.arrivals.mean - a.arrivals.mean)[0]!;
  const monday = clock.slotOf(now, 15).day + 1;
  const peak = peakOf(monday);
  const localHour = (iv: { start: string }) => Math.floor((clock.slotOf(Date.parse(iv.start), 15).slot * 15) / 60);
  assert.ok(localHour(peak) >= 9 && localHour(peak) <= 11, `peak at local ${peak.start}`);
  assert.equal(new Date(peak.start).getUTCHours(), localHour(peak) - 2);
  // And the accuracy holds over the change (the truth is in local time).
  const error = wape(aggregate(future, 4), aggregate(means(f), 4));
  assert.ok(error <= 0.1, `WAPE over the change week ${error}`);
});

test('daylight saving in autumn: the repeated hour is forecast twice, as it happens twice', () => {
  const start = Date.parse('2025-09-28T00:00:00+02:00');
  const { points, now } = world(officeWeek, PARIS, start, 28, 0, 4);
  const f = forecastArrivals({ timeZone: PARIS, intervalMinutes: 60, points: aggregate(points.map((p) => p.count), 4).map((count, h) => ({ start: start + h * 3_600_000, count })), now, horizonHours: 25 });
  // Sunday 26 October 2025 has 25 hours; the two 02:00 hours get the same forecast.
  assert.equal(f.intervals.length, 25);
  const twos = f.intervals.filter((iv) => localClock(PARIS).slotOf(Date.parse(iv.start), 60).slot === 2);
  assert.equal(twos.length, 2);
  assert.equal(twos[0]!.arrivals.mean, twos[1]!.arrivals.mean);
});

test('bad input is refused with a clear error', () => {
  const now = Date.parse('2025-05-05T00:00:00Z');
  const base = { timeZone: PARIS, intervalMinutes: 15, now, horizonHours: 24 };
  assert.throws(() => forecastArrivals({ ...base, points: [{ start: now - 2 * QUARTER, count: 1 }, { start: now - 3 * QUARTER, count: 1 }] }), /sorted/);
  assert.throws(() => forecastArrivals({ ...base, points: [{ start: now - QUARTER + 1, count: 1 }] }), /multiple of 15 minutes/);
  assert.throws(() => forecastArrivals({ ...base, points: [{ start: now - QUARTER, count: -2 }] }), /count/);
  assert.throws(() => forecastArrivals({ ...base, points: [{ start: now + QUARTER, count: 2 }] }), /after the current interval/);
  assert.throws(() => forecastArrivals({ ...base, points: [], horizonHours: 169 }), /horizonHours/);
  assert.throws(() => forecastArrivals({ ...base, points: [], intervalMinutes: 7 }), /intervalMinutes/);
  assert.throws(() => forecastArrivals({ ...base, points: [], timeZone: 'Nowhere/Land' }), /unknown time zone/);
  assert.throws(() => forecastArrivals({ ...base, points: [{ start: now - 8 * QUARTER, count: 1 }], historyStart: now - 4 * QUARTER }), /before historyStart/);
});
