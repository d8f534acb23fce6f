/**
 * A known weekly arrival pattern in local time, for forecast tests: a realistic weekday curve (a morning and an
 * afternoon peak on a business-hours plateau, a quiet night) and a lower, flatter weekend. The true rate per
 * interval is known exactly, so a forecast can be scored against the truth rather than against noisy counts.
 */
import { localClock } from '../../src/metrics/local-clock.js';
import type { ArrivalCount } from '../../src/metrics/forecast.js';
import { poisson } from './seeded-random.js';

const bump = (hour: number, centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2) / 2);

/** Arrivals per hour at local hour-of-day `hour` (fractional) on local day of week `dow` (0 = Sunday). */
export type RateCurve = (dow: number, hour: number) => number;

/** About 1000 arrivals on a weekday (a bit fewer on Friday), about 400 on Saturday and 300 on Sunday. */
export const officeWeek: RateCurve = (dow, hour) => {
  if (dow === 0 || dow === 6) {
    const scale = dow === 6 ? 1 : 0.75;
    return scale * (4 + 30 * bump(hour, 13, 3.5));
  }
  const scale = dow === 5 ? 0.85 : 1;
  return scale * (6 + 70 * bump(hour, 10.5, 1.6) + 60 * bump(hour, 15, 1.9) + 25 * bump(hour, 12.75, 3));
};

/** Every day the same shape, only the level changes: the case the pooled daily profile is made for. */
export const sameShapeWeek: RateCurve = (dow, hour) => {
  const level = [0.5, 1, 1, 1.1, 1, 0.9, 0.6][dow]!;
  return level * (2 + 14 * bump(hour, 11, 2.2) + 10 * bump(hour, 16, 2));
};

/** Expected arrivals in [start, start + intervalMinutes), from the curve at the interval's local midpoint. */
export function trueRates(curve: RateCurve, timeZone: string, intervalMinutes: number, from: number, count: number): Float64Array {
  const clock = localClock(timeZone);
  const ms = intervalMinutes * 60_000;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = from + i * ms;
    const s = clock.slotOf(start, intervalMinutes);
    const hour = ((s.slot + 0.5) * intervalMinutes) / 60;
    out[i] = curve(s.dow, hour) * (intervalMinutes / 60);
  }
  return out;
}

/** Poisson counts drawn from the true rates. */
export function sampleCounts(rates: Float64Array, from: number, intervalMinutes: number, random: () => number): ArrivalCount[] {
  return Array.from(rates, (rate, i) => ({ start: from + i * intervalMinutes * 60_000, count: poisson(random, rate) }));
}

/** Sums consecutive groups of `size` values (e.g. four 15-minute intervals into an hour). */
export function aggregate(values: ArrayLike<number>, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + size <= values.length; i += size) {
    let s = 0;
    for (let k = 0; k < size; k++) s += values[i + k]!;
    out.push(s);
  }
  return out;
}

/** Σ|actual − forecast| / Σ actual. */
export function wape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let err = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    err += Math.abs(actual[i]! - forecast[i]!);
    sum += actual[i]!;
  }
  return err / sum;
}

/** Weekdays with opposite shapes (mornings on Monday, Wednesday, Friday; evenings on Tuesday, Thursday). */
export const alternatingWeek: RateCurve = (dow, hour) => {
  if (dow === 0 || dow === 6) return 3 + 10 * bump(hour, 14, 3);
  const centre = dow % 2 === 1 ? 9.5 : 17.5;
  return 4 + 90 * bump(hour, centre, 1.5);
};
