/**
 * The live arrival rate: an exponentially weighted count of recent arrivals, so a surge shows within minutes instead
 * of being averaged over an hour, blended with the forecast for the current interval when there is one.
 *
 * Weighted count: each arrival of age a counts w(a) = 2^(−a / halfLife). For a steady rate λ over the observed span
 * H the expected weighted count is λ·E with the exposure E = ∫₀^H w = (halfLife / ln 2)·(1 − 2^(−H / halfLife)),
 * so n / E is an unbiased rate — also early on, when only a short span is observed (E is then smaller).
 *
 * Blend: the live rate and the forecast are weighed by how much each is worth on a relative scale. n arrivals give
 * a rate known to about ±1/√n; the forecast is taken to be good to about ±1/√k with k = FORECAST_WORTH_ARRIVALS.
 * Inverse relative variances give the live rate the weight n / (n + k). Here n is the larger of the weighted count
 * seen and the weighted count the forecast expected (λ_f·E): a lull the forecast did not expect is as much evidence
 * as a surge, and a quiet desk's few arrivals are not.
 */

export const DEFAULT_HALF_LIFE_SECONDS = 300;
/** The forecast for the current interval is worth about as much evidence as this many arrivals (±20 %). */
export const FORECAST_WORTH_ARRIVALS = 25;

export interface LiveRateInput {
  /** Arrival times (epoch ms); those before `observedSince` or after `now` are ignored. */
  arrivals: readonly number[];
  now: number;
  /** Since when `arrivals` is complete (e.g. the start of the query window, or the project's creation). */
  observedSince: number;
  halfLifeSeconds?: number;
  /** Arrivals per hour the forecast expects in the current interval, when there is a forecast. */
  forecastPerHour?: number | null;
}

export interface ArrivalRateEstimate {
  per_hour: number;
  /** `live`: no forecast to blend with; `forecast`: nothing observed yet; `blended`: both, weighed as documented. */
  source: 'live' | 'blended' | 'forecast';
  /** The exponentially weighted rate alone; null when no time was observed. */
  live_per_hour: number | null;
  forecast_per_hour: number | null;
  /** Weight of the live rate in `per_hour`, 0..1. */
  live_weight: number;
  /** Weighted arrivals counted (the live evidence). */
  weighted_arrivals: number;
  half_life_seconds: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function estimateArrivalRate(input: LiveRateInput): ArrivalRateEstimate {
  const halfLife = input.halfLifeSeconds ?? DEFAULT_HALF_LIFE_SECONDS;
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) throw new RangeError(`halfLifeSeconds must be > 0, got ${halfLife}`);
  const decayPerMs = Math.LN2 / (halfLife * 1000);
  let weighted = 0;
  for (const at of input.arrivals) {
    if (at < input.observedSince || at > input.now) continue;
    weighted += Math.exp(-(input.now - at) * decayPerMs);
  }
  return arrivalRateFromWeighted({ ...input, weightedArrivals: weighted });
}

export interface WeightedRateInput extends Omit<LiveRateInput, 'arrivals'> {
  /** Σ 2^(−age / halfLife) over the arrivals in [observedSince, now], e.g. summed by the store. */
  weightedArrivals: number;
}

/** The same estimate from the weighted count alone (the live metrics have the store sum it). */
export function arrivalRateFromWeighted(input: WeightedRateInput): ArrivalRateEstimate {
  const halfLife = input.halfLifeSeconds ?? DEFAULT_HALF_LIFE_SECONDS;
  const { now, observedSince } = input;
  const weighted = input.weightedArrivals;
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) throw new RangeError(`halfLifeSeconds must be > 0, got ${halfLife}`);
  if (!Number.isFinite(now) || !Number.isFinite(observedSince)) throw new RangeError('now and observedSince must be finite epoch times');
  if (observedSince > now) throw new RangeError('observedSince is after now');
  if (!(weighted >= 0) || !Number.isFinite(weighted)) throw new RangeError(`weightedArrivals must be ≥ 0, got ${weighted}`);
  const forecast = input.forecastPerHour ?? null;
  if (forecast !== null && !(forecast >= 0 && Number.isFinite(forecast))) throw new RangeError(`forecastPerHour must be ≥ 0, got ${forecast}`);

  const decayPerMs = Math.LN2 / (halfLife * 1000);
  const exposureHours = -Math.expm1(-(now - observedSince) * decayPerMs) / decayPerMs / 3_600_000;
  const live = exposureHours > 0 ? weighted / exposureHours : null;

  const answer = (perHour: number, source: ArrivalRateEstimate['source'], liveWeight: number): ArrivalRateEstimate => ({
    per_hour: round(perHour, 3),
    source,
    live_per_hour: live === null ? null : round(live, 3),
    forecast_per_hour: forecast,
    live_weight: round(liveWeight, 4),
    weighted_arrivals: round(weighted, 3),
    half_life_seconds: halfLife,
  });
  if (live === null) return forecast === null ? answer(0, 'live', 1) : answer(forecast, 'forecast', 0);
  if (forecast === null) return answer(live, 'live', 1);
  const evidence = Math.max(weighted, forecast * exposureHours);
  const w = evidence / (evidence + FORECAST_WORTH_ARRIVALS);
  return answer(w * live + (1 - w) * forecast, 'blended', w);
}
