/**
 * Pooled weekly profile: each interval is forecast by the weighted mean of the same local (day of week, time slot)
 * over the last TRAINING_WEEKS weeks, a week back weighing WEEKLY_DECAY times the next. Averaging n weeks divides
 * the Poisson noise's variance by about n, which is why it beats seasonal naive on stable weekly patterns.
 */
import { flatMean, recencyWeight, trainingWindow, type ForecastFn } from './forecast-timeline.js';
import { slotsPerDay } from './local-clock.js';

export const weeklyProfile: ForecastFn = (t, trainEnd, from, to) => {
  const perDay = slotsPerDay(t.intervalMinutes);
  const { originDay, start } = trainingWindow(t, trainEnd);
  const weekSum = new Float64Array(7 * perDay);
  const weekWeight = new Float64Array(7 * perDay);
  // Any day of the week, for a (day, slot) pair not seen yet (less than a week of history).
  const slotSum = new Float64Array(perDay);
  const slotWeight = new Float64Array(perDay);
  for (let i = start; i < trainEnd; i++) {
    const w = recencyWeight(t.day[i]!, originDay);
    const s = t.slot[i]!;
    const key = t.dow[i]! * perDay + s;
    weekSum[key] = weekSum[key]! + w * t.counts[i]!;
    weekWeight[key] = weekWeight[key]! + w;
    slotSum[s] = slotSum[s]! + w * t.counts[i]!;
    slotWeight[s] = slotWeight[s]! + w;
  }
  const out = new Float64Array(to - from);
  let fallback: number | null = null;
  for (let j = from; j < to; j++) {
    const s = t.slot[j]!;
    const key = t.dow[j]! * perDay + s;
    if (weekWeight[key]! > 0) out[j - from] = weekSum[key]! / weekWeight[key]!;
    else if (slotWeight[s]! > 0) out[j - from] = slotSum[s]! / slotWeight[s]!;
    else out[j - from] = fallback ??= flatMean(t, trainEnd, 0, 1)[0]!;
  }
  return out;
};
