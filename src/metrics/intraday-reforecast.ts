/**
 * Intraday re-forecast: how today is running against its forecast so far rescales today's remaining intervals.
 * The raw ratio actual / expected is noisy early in the day (3 arrivals against 2 expected is not a 50 % surge),
 * so it is shrunk toward 1 as a gamma-Poisson posterior would: the forecast counts as INTRADAY_PRIOR_ARRIVALS
 * arrivals that ran exactly to plan (a day-level deviation of about ±20 %, 1/√25, before any evidence).
 */
export const INTRADAY_PRIOR_ARRIVALS = 25;

/** (actual + k) / (expected + k): 1 with no evidence, actual / expected once the day's counts dwarf k. */
export function intradayRatio(actual: number, expected: number): number {
  if (!(actual >= 0) || !(expected >= 0)) throw new RangeError(`intradayRatio needs counts ≥ 0, got ${actual} and ${expected}`);
  return (actual + INTRADAY_PRIOR_ARRIVALS) / (expected + INTRADAY_PRIOR_ARRIVALS);
}
