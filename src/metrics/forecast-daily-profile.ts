/**
 * Daily profile: a day-of-week level (the weighted mean of that weekday's daily totals) times one intraday shape
 * (each slot's share of a day's arrivals, pooled over every day). Pooling the shape over all days instead of per
 * weekday estimates it from seven times the data, so it is steadier with short history; its limit is that it gives
 * every day the same shape (a weekend whose curve differs is better served by the weekly profile).
 */
import { completeDays, flatMean, recencyWeight, trainingWindow, type ForecastFn } from './forecast-timeline.js';
import { slotsPerDay } from './local-clock.js';

export const dailyProfile: ForecastFn = (t, trainEnd, from, to) => {
  const perDay = slotsPerDay(t.intervalMinutes);
  const { originDay, start } = trainingWindow(t, trainEnd);
  const days = completeDays(t, trainEnd).filter((d) => d >= start);
  if (days.length === 0) return flatMean(t, trainEnd, from, to);

  const levelSum = new Float64Array(7);
  const levelWeight = new Float64Array(7);
  const shape = new Float64Array(perDay);
  let allSum = 0;
  let allWeight = 0;
  for (let k = 0; k < days.length; k++) {
    const begin = days[k]!;
    const end = dayEnd(t, begin, trainEnd);
    const w = recencyWeight(t.day[begin]!, originDay);
    let total = 0;
    for (let i = begin; i < end; i++) {
      total += t.counts[i]!;
      const s = t.slot[i]!;
      shape[s] = shape[s]! + w * t.counts[i]!;
    }
    const d = t.dow[begin]!;
    levelSum[d] = levelSum[d]! + w * total;
    levelWeight[d] = levelWeight[d]! + w;
    allSum += w * total;
    allWeight += w;
  }
  // Shares of the (weighted) sum of daily totals: they add up to 1 over a day.
  for (let s = 0; s < perDay; s++) shape[s] = allSum > 0 ? shape[s]! / allSum : 0;
  const out = new Float64Array(to - from);
  for (let j = from; j < to; j++) {
    const d = t.dow[j]!;
    const level = levelWeight[d]! > 0 ? levelSum[d]! / levelWeight[d]! : allSum / allWeight;
    out[j - from] = level * shape[t.slot[j]!]!;
  }
  return out;
};

/** One past the last interval of the local day starting at `begin`. */
function dayEnd(t: { day: Int32Array }, begin: number, limit: number): number {
  let i = begin;
  while (i < limit && t.day[i] === t.day[begin]) i++;
  return i;
}
