/**
 * Rolling-origin backtest: each of the last BACKTEST_DAYS complete local days is forecast by every method from the
 * history before that day only, exactly as the live forecast would have been made that midnight, and the errors are
 * summed over all those days. A method is chosen by its WAPE here, on the project's own history.
 */
import type { FittedMethod } from './forecast-types.js';
import { completeDays, type ForecastFn, type Timeline } from './forecast-timeline.js';

export const BACKTEST_DAYS = 7;
/** A test day needs at least this many complete days before it: the seasonal-naive baseline looks a week back. */
export const MIN_TRAINING_DAYS = 7;

export interface MethodScore {
  method: FittedMethod;
  /** Σ|actual − forecast| / Σ actual over the test days' intervals. */
  wape: number;
  /** Sums behind the WAPE and the dispersion estimate. */
  absoluteError: number;
  actual: number;
  squaredError: number;
  forecast: number;
  forecastSquared: number;
}

export interface Backtest {
  days: number;
  /** Best first; empty when there was nothing to test on (too little history, or no arrivals in the test days). */
  scores: MethodScore[];
}

/** Backtests `methods` on the complete local days before interval `end` (the start of today). */
export function backtest(t: Timeline, end: number, methods: ReadonlyArray<readonly [FittedMethod, ForecastFn]>): Backtest {
  const days = completeDays(t, end);
  const testDays = days.slice(Math.max(MIN_TRAINING_DAYS, days.length - BACKTEST_DAYS));
  const sums = methods.map(([method]) => ({ method, absoluteError: 0, actual: 0, squaredError: 0, forecast: 0, forecastSquared: 0 }));
  for (const begin of testDays) {
    let stop = begin;
    while (stop < end && t.day[stop] === t.day[begin]) stop++;
    methods.forEach(([, fn], m) => {
      const f = fn(t, begin, begin, stop);
      const s = sums[m]!;
      for (let i = begin; i < stop; i++) {
        const a = t.counts[i]!;
        const e = a - f[i - begin]!;
        s.absoluteError += Math.abs(e);
        s.actual += a;
        s.squaredError += e * e;
        s.forecast += f[i - begin]!;
        s.forecastSquared += f[i - begin]! ** 2;
      }
    });
  }
  const scores = sums
    .filter((s) => s.actual > 0)
    .map((s): MethodScore => ({ ...s, wape: s.absoluteError / s.actual }))
    // A stable sort keeps the callers' order (their preference) between equal scores.
    .sort((a, b) => a.wape - b.wape);
  return { days: testDays.length, scores };
}
