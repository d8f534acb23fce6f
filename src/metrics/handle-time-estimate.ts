/**
 * The handle time to plan with, never taken from one or two closes. Below MIN_HANDLE_SAMPLES measured conversations
 * the project's `default_handle_seconds` fills the missing samples: with n < m samples the estimate is the mean of
 * the n measured times and (m − n) copies of the default, i.e. (sum + (m − n)·default) / m. It moves continuously
 * from the default (n = 0) to the plain measured mean (n ≥ m), and one 1-second close moves it by a tenth at most.
 */

export const MIN_HANDLE_SAMPLES = 10;

export interface HandleSamples {
  /** Conversations measured. */
  count: number;
  /** Sum of their handle times, seconds. */
  sumSeconds: number;
}

export interface HandleTimeEstimate {
  seconds: number;
  /** `default`: no sample; `blended`: fewer than the minimum, filled with the default; `measured`: enough samples. */
  source: 'default' | 'blended' | 'measured';
  samples: number;
}

export function estimateHandleTime(samples: HandleSamples, defaultSeconds: number, minSamples = MIN_HANDLE_SAMPLES): HandleTimeEstimate {
  const { count, sumSeconds } = samples;
  if (!(defaultSeconds > 0) || !Number.isFinite(defaultSeconds)) throw new RangeError(`defaultSeconds must be > 0, got ${defaultSeconds}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  if (!(sumSeconds >= 0) || !Number.isFinite(sumSeconds)) throw new RangeError(`sumSeconds must be ≥ 0, got ${sumSeconds}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new RangeError(`minSamples must be a whole number ≥ 1, got ${minSamples}`);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  if (count === 0) return { seconds: defaultSeconds, source: 'default', samples: 0 };
  if (count >= minSamples) return { seconds: round(sumSeconds / count), source: 'measured', samples: count };
  return { seconds: round((sumSeconds + (minSamples - count) * defaultSeconds) / minSamples), source: 'blended', samples: count };
}
