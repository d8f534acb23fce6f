/**
 * The arrival forecast as the API returns it (docs/metrics.md, "Arrival forecast"). Pure types with no imports, so
 * they can move to src/domain for the SDK and the dashboard unchanged.
 */

/**
 * How the forecast was made. The first four are fitted methods chosen by backtest; `flat_mean` is the fallback for
 * less than one full local day of history and `none` means there is no history at all (no intervals).
 */
export type ForecastMethod = 'seasonal_naive' | 'weekly_profile' | 'daily_profile' | 'blend' | 'flat_mean' | 'none';

/** The methods a backtest can choose between. */
export type FittedMethod = Extract<ForecastMethod, 'seasonal_naive' | 'weekly_profile' | 'daily_profile' | 'blend'>;

export interface ArrivalsForecast {
  /** Expected arrivals in the interval. */
  mean: number;
  /** 80 % prediction interval: 10th and 90th percentiles of the count (whole arrivals). */
  low: number;
  high: number;
}

export interface ForecastInterval {
  /** ISO 8601 instants, half-open [start, end). */
  start: string;
  end: string;
  arrivals: ArrivalsForecast;
}

export interface BacktestReport {
  /** WAPE = Σ|actual − forecast| / Σ actual of the chosen method over the backtest days; null without a backtest. */
  wape: number | null;
  baseline: 'seasonal_naive';
  baseline_wape: number | null;
  /** Local days forecast in the rolling-origin backtest (0: not enough history for one). */
  days: number;
  /** Every method tried, best first. */
  candidates: { method: FittedMethod; wape: number }[];
}

export interface IntradayAdjustment {
  /** Arrivals counted today before the current interval, and what the forecast expected for the same intervals. */
  actual: number;
  expected: number;
  /** The factor applied to today's remaining intervals: (actual + k) / (expected + k), k = INTRADAY_PRIOR_ARRIVALS. */
  ratio: number;
}

export interface ForecastResult {
  method: ForecastMethod;
  /** Days of history the forecast could use (fractional, 2 decimals): from its first interval to the current one. */
  history_days: number;
  interval_minutes: number;
  time_zone: string;
  /** From the current interval (the one holding `now`) for the horizon; empty with method `none`. */
  intervals: ForecastInterval[];
  backtest: BacktestReport;
  /** How today's remaining intervals were rescaled; null when today has no elapsed interval yet. */
  intraday: IntradayAdjustment | null;
  /** Negative-binomial dispersion φ behind low/high (variance = mean + φ·mean²). */
  dispersion: number;
}
