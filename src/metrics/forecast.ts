/**
 * The arrival forecast per interval (docs/metrics.md, "Arrival forecast"): fit every method on the project's own
 * history, backtest them, forecast with the best, bound it, and rescale today's remaining intervals by how today
 * is running. With too little history for a backtest it falls back as documented and says so.
 */
import { backtest } from './forecast-backtest.js';
import { DEFAULT_DISPERSION, dispersionFromResiduals, predictionInterval } from './forecast-bounds.js';
import { dailyProfile } from './forecast-daily-profile.js';
import { seasonalNaive } from './forecast-seasonal-naive.js';
import {
  buildTimeline,
  completeDays,
  dayStartIndex,
  flatMean,
  historyDays,
  type ArrivalHistory,
  type ForecastFn,
  type Timeline,
} from './forecast-timeline.js';
import type { BacktestReport, FittedMethod, ForecastMethod, ForecastResult, IntradayAdjustment } from './forecast-types.js';
import { weeklyProfile } from './forecast-weekly-profile.js';
import { intradayRatio } from './intraday-reforecast.js';

export type { ArrivalCount, ArrivalHistory } from './forecast-timeline.js';
export type * from './forecast-types.js';

export interface ForecastRequest extends ArrivalHistory {
  /** The instant to forecast from (epoch ms): the first interval returned is the one holding it. */
  now: number;
  /** How far ahead, in hours (at most MAX_HORIZON_HOURS = 7 days). */
  horizonHours: number;
}

/** The mean of the weekly and the daily profile: between a per-weekday shape and a pooled one. */
const blend: ForecastFn = (t, trainEnd, from, to) => {
  const a = weeklyProfile(t, trainEnd, from, to);
  const b = dailyProfile(t, trainEnd, from, to);
  return a.map((x, i) => (x + b[i]!) / 2);
};

/** In order of preference when two score the same: the simpler model first, the baseline last. */
export const FITTED_METHODS: ReadonlyArray<readonly [FittedMethod, ForecastFn]> = [
  ['weekly_profile', weeklyProfile],
  ['daily_profile', dailyProfile],
  ['blend', blend],
  ['seasonal_naive', seasonalNaive],
];

const methodFn = (m: FittedMethod): ForecastFn => FITTED_METHODS.find(([name]) => name === m)![1];
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function forecastArrivals(req: ForecastRequest): ForecastResult {
  const t = buildTimeline(req, req.now, req.horizonHours);
  const noBacktest: BacktestReport = { wape: null, baseline: 'seasonal_naive', baseline_wape: null, days: 0, candidates: [] };
  const result = (method: ForecastMethod, means: Float64Array, dispersion: number, backtest: BacktestReport, intraday: IntradayAdjustment | null): ForecastResult => ({
    method,
    history_days: round(historyDays(t), 2),
    interval_minutes: t.intervalMinutes,
    time_zone: req.timeZone,
    intervals: Array.from(means, (mean, k) => {
      const start = t.first + (t.observed + k) * t.intervalMs;
      return {
        start: new Date(start).toISOString(),
        end: new Date(start + t.intervalMs).toISOString(),
        arrivals: { mean: round(mean, 2), ...predictionInterval(mean, dispersion) },
      };
    }),
    backtest,
    intraday,
    dispersion: round(dispersion, 4),
  });

  if (t.observed === 0) return result('none', new Float64Array(0), DEFAULT_DISPERSION, noBacktest, null);
  const today = dayStartIndex(t, t.observed);
  if (completeDays(t, today).length === 0) {
    // Less than a full local day: no shape can be told from a trend, so a flat rate over everything seen, today too.
    return result('flat_mean', flatMean(t, t.observed, t.observed, t.length), DEFAULT_DISPERSION, noBacktest, null);
  }

  const tested = backtest(t, today, FITTED_METHODS);
  const best = tested.scores[0];
  const method: FittedMethod = best?.method ?? 'daily_profile';
  const report: BacktestReport = best
    ? {
        wape: round(best.wape, 4),
        baseline: 'seasonal_naive',
        baseline_wape: round(tested.scores.find((s) => s.method === 'seasonal_naive')!.wape, 4),
        days: tested.days,
        candidates: tested.scores.map((s) => ({ method: s.method, wape: round(s.wape, 4) })),
      }
    : noBacktest;
  const dispersion = best ? dispersionFromResiduals(best.squaredError, best.forecast, best.forecastSquared) : DEFAULT_DISPERSION;

  // Fitted on the history before today's local midnight; today's elapsed intervals then tell how today runs.
  const means = methodFn(method)(t, today, today, t.length);
  const intraday = rescaleToday(t, today, means);
  return result(method, means.subarray(t.observed - today), dispersion, report, intraday);
}

/** Scales today's remaining intervals (in place) by the shrunk ratio of today's arrivals so far to their forecast. */
function rescaleToday(t: Timeline, today: number, means: Float64Array): IntradayAdjustment | null {
  if (t.observed === today) return null;
  let actual = 0;
  let expected = 0;
  for (let i = today; i < t.observed; i++) {
    actual += t.counts[i]!;
    expected += means[i - today]!;
  }
  const ratio = intradayRatio(actual, expected);
  for (let i = t.observed; i < t.length && t.day[i] === t.day[today]; i++) means[i - today] = means[i - today]! * ratio;
  return { actual, expected: round(expected, 2), ratio: round(ratio, 4) };
}
