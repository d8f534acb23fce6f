/**
 * The arrival history laid on a dense time axis of fixed intervals, each tagged with its local date, day of week and
 * time-of-day slot, and extended past `now` over the horizon to forecast. Every forecasting method reads this one
 * shape: counts for the observed part, local tags for all of it.
 */
import { DAY_MS, localClock } from './local-clock.js';

/** One interval of history: arrivals counted in [start, start + interval). */
export interface ArrivalCount {
  /** Epoch milliseconds, a multiple of the interval length. */
  start: number;
  count: number;
}

export interface ArrivalHistory {
  /** IANA time zone of the project: seasonality is local time. */
  timeZone: string;
  /** Interval length: a divisor of 60 (the store keeps 15; a caller may aggregate to 60). */
  intervalMinutes: number;
  /** Sorted by start, at most one per interval; intervals with no entry count 0 between `historyStart` and now. */
  points: readonly ArrivalCount[];
  /** First instant the history is complete from (e.g. the project's creation); default: the first point's start. */
  historyStart?: number;
}

export interface Timeline {
  intervalMs: number;
  intervalMinutes: number;
  /** Start of interval 0 (epoch ms). */
  first: number;
  /** Intervals observed: [0, observed) have counts; `observed` is the current interval, the one holding `now`. */
  observed: number;
  counts: Float64Array;
  /** Local tags for every interval, observed and forecast. */
  day: Int32Array;
  dow: Uint8Array;
  slot: Int16Array;
  length: number;
}

export const MAX_HORIZON_HOURS = 7 * 24;

const VALID_INTERVALS = [5, 10, 15, 20, 30, 60];

/** Lays out the history up to the interval holding `now`, plus `horizonHours` ahead. Throws RangeError on bad input. */
export function buildTimeline(history: ArrivalHistory, now: number, horizonHours: number): Timeline {
  const { intervalMinutes, points } = history;
  if (!VALID_INTERVALS.includes(intervalMinutes)) {
    throw new RangeError(`intervalMinutes must be one of ${VALID_INTERVALS.join(', ')}, got ${intervalMinutes}`);
  }
  if (!(horizonHours > 0 && horizonHours <= MAX_HORIZON_HOURS)) {
    throw new RangeError(`horizonHours must be in (0, ${MAX_HORIZON_HOURS}], got ${horizonHours}`);
  }
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch time, got ${now}`);
  const clock = localClock(history.timeZone);
  const intervalMs = intervalMinutes * 60_000;
  const current = Math.floor(now / intervalMs) * intervalMs;

  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.start) || p.start % intervalMs !== 0) {
      throw new RangeError(`points[${i}].start must be a multiple of ${intervalMinutes} minutes, got ${p.start}`);
    }
    if (!(p.count >= 0) || !Number.isFinite(p.count)) throw new RangeError(`points[${i}].count must be a finite number ≥ 0, got ${p.count}`);
    if (i > 0 && p.start <= points[i - 1]!.start) throw new RangeError(`points must be sorted by start without repeats (points[${i}])`);
    if (p.start > current) throw new RangeError(`points[${i}] starts after the current interval (${new Date(p.start).toISOString()})`);
  }
  let first = history.historyStart ?? points[0]?.start ?? current;
  if (!Number.isFinite(first)) throw new RangeError(`historyStart must be a finite epoch time, got ${first}`);
  first = Math.floor(first / intervalMs) * intervalMs;
  if (points.length > 0 && points[0]!.start < first) throw new RangeError('points start before historyStart');
  if (first > current) throw new RangeError('historyStart is after now');

  const observed = Math.round((current - first) / intervalMs);
  const length = observed + Math.ceil((horizonHours * 60) / intervalMinutes);
  const counts = new Float64Array(observed);
  for (const p of points) {
    const i = Math.round((p.start - first) / intervalMs);
    if (i < observed) counts[i] = p.count; // the current interval is still filling: not history yet
  }
  const day = new Int32Array(length);
  const dow = new Uint8Array(length);
  const slot = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const s = clock.slotOf(first + i * intervalMs, intervalMinutes);
    day[i] = s.day;
    dow[i] = s.dow;
    slot[i] = s.slot;
  }
  return { intervalMs, intervalMinutes, first, observed, counts, day, dow, slot, length };
}

/** Index of the first interval of the local day holding interval `i` (a local midnight, or 0). */
export function dayStartIndex(t: Timeline, i: number): number {
  let j = i;
  while (j > 0 && t.day[j - 1] === t.day[i]) j--;
  return j;
}

/** The history's span in days, from its first interval to the current one. */
export function historyDays(t: Timeline): number {
  return (t.observed * t.intervalMs) / DAY_MS;
}

/**
 * Start indices of the local days that lie wholly in [0, end): the first day only when interval 0 opens it
 * (slot 0), the last only when `end` closes it.
 */
export function completeDays(t: Timeline, end: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < end; i++) {
    if (i === 0 ? t.slot[0] === 0 : t.day[i] !== t.day[i - 1]) starts.push(i);
  }
  const closesLast = end < t.length ? t.day[end] !== t.day[end - 1] : false;
  if (starts.length > 0 && !closesLast) {
    const last = starts[starts.length - 1]!;
    if (t.day[last] === t.day[end - 1]) starts.pop();
  }
  return starts;
}

/** A forecasting method: expected arrivals for intervals [from, to), fitted on intervals [0, trainEnd) only. */
export type ForecastFn = (t: Timeline, trainEnd: number, from: number, to: number) => Float64Array;

/** Methods look back this many weeks, the recent ones weighing more (WEEKLY_DECAY per week back). */
export const TRAINING_WEEKS = 8;
export const WEEKLY_DECAY = 0.9;

/** The local day that interval `trainEnd` opens (the forecast origin), and the first interval methods look at. */
export function trainingWindow(t: Timeline, trainEnd: number): { originDay: number; start: number } {
  const originDay = trainEnd < t.length ? t.day[trainEnd]! : t.day[trainEnd - 1]! + 1;
  let start = trainEnd;
  while (start > 0 && t.day[start - 1]! >= originDay - 7 * TRAINING_WEEKS) start--;
  return { originDay, start };
}

const DECAY_POWERS = Array.from({ length: TRAINING_WEEKS + 1 }, (_, k) => WEEKLY_DECAY ** k);

/** Weight of an observation on local day `day`: WEEKLY_DECAY to the number of whole weeks before the origin. */
export function recencyWeight(day: number, originDay: number): number {
  const weeks = Math.floor((originDay - 1 - day) / 7);
  return weeks < DECAY_POWERS.length ? DECAY_POWERS[weeks]! : WEEKLY_DECAY ** weeks;
}

/** Mean count per interval over the training window: the forecast that assumes nothing about the time of day. */
export const flatMean: ForecastFn = (t, trainEnd, from, to) => {
  const { start } = trainingWindow(t, trainEnd);
  let sum = 0;
  for (let i = start; i < trainEnd; i++) sum += t.counts[i]!;
  return new Float64Array(to - from).fill(trainEnd > start ? sum / (trainEnd - start) : 0);
};
