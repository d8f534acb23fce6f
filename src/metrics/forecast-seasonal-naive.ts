/**
 * Seasonal naive: each interval is forecast by the count of the same local time slot one week earlier (for a
 * horizon past a week, the same slot of the last observed week). The backtest baseline: any method worth choosing
 * must beat it. Local, not UTC, weeks: across a daylight-saving change 09:00 is still compared with 09:00.
 */
import { flatMean, trainingWindow, type ForecastFn } from './forecast-timeline.js';
import { slotsPerDay } from './local-clock.js';

export const seasonalNaive: ForecastFn = (t, trainEnd, from, to) => {
  const perDay = slotsPerDay(t.intervalMinutes);
  const { originDay, start } = trainingWindow(t, trainEnd);
  if (trainEnd === start) return flatMean(t, trainEnd, from, to);
  // Observed (local day, slot) → summed count and intervals; a slot occurs twice on the day clocks fall back.
  const firstDay = t.day[start]!;
  const size = (originDay - firstDay) * perDay;
  const sum = new Float64Array(size);
  const seen = new Uint8Array(size);
  for (let i = start; i < trainEnd; i++) {
    const key = (t.day[i]! - firstDay) * perDay + t.slot[i]!;
    sum[key] = sum[key]! + t.counts[i]!;
    seen[key] = seen[key]! + 1;
  }
  const out = new Float64Array(to - from);
  let fallback: number | null = null;
  for (let j = from; j < to; j++) {
    const day = t.day[j]!;
    // The latest week before the origin that holds this slot (the hour clocks skip has none that day).
    let back = day - 7 * Math.max(1, Math.ceil((day - originDay + 1) / 7));
    let value: number | null = null;
    for (; back >= firstDay && value === null; back -= 7) {
      const key = (back - firstDay) * perDay + t.slot[j]!;
      if (seen[key]! > 0) value = sum[key]! / seen[key]!;
    }
    if (value === null) value = fallback ??= flatMean(t, trainEnd, 0, 1)[0]!;
    out[j - from] = value;
  }
  return out;
};
