/**
 * The 80 % prediction interval of a forecast count. The count is modelled as negative binomial around the forecast
 * mean m with variance m + φ·m²: Poisson noise (m) plus the forecast's own error, which grows with the level (φ·m²).
 * φ is fitted by moments on the backtest residuals of the chosen method; without a backtest DEFAULT_DISPERSION
 * (a rate uncertain by about ±30 %) stands in.
 */
import { countQuantile } from './count-distributions.js';

export const DEFAULT_DISPERSION = 0.1;
export const INTERVAL_COVERAGE = 0.8;

/**
 * Method-of-moments φ from backtest sums: E[(a − f)²] ≈ f + φ f² summed over the test intervals, so
 * φ = (Σ(a − f)² − Σf) / Σf², never below 0 (residuals no wider than Poisson noise).
 */
export function dispersionFromResiduals(squaredError: number, forecast: number, forecastSquared: number): number {
  if (!(forecastSquared > 0)) return DEFAULT_DISPERSION;
  return Math.max(0, (squaredError - forecast) / forecastSquared);
}

/** 10th and 90th percentiles of the count. */
export function predictionInterval(mean: number, dispersion: number): { low: number; high: number } {
  const tail = (1 - INTERVAL_COVERAGE) / 2;
  return { low: countQuantile(tail, mean, dispersion), high: countQuantile(1 - tail, mean, dispersion) };
}
