/**
 * Generated past traffic for a desk (`deskwire seed-history`, and the demo project's first start): conversations with
 * a weekly and daily pattern local to the project's zone, spread over its departments, most answered within a
 * minute, some abandoned, a third of the answered rated. Deterministic for a seed, so a test can rely on it.
 */
import { HISTORY_INTERVAL_MS, intervalStartOf, type HistoryFacts } from '../domain/history.js';
import { localClock } from './local-clock.js';

export interface SyntheticOptions {
  days: number;
  /** Epoch ms: the history ends here (the newest conversation arrives before it). */
  end: number;
  timeZone: string;
  /** Departments with their share of the traffic (any positive weights); empty: conversations without one. */
  departments: readonly { id: string; weight: number }[];
  /** Arrivals per hour at a weekday's peak (default 24). */
  peakPerHour?: number;
  /** Uniform in [0, 1): `seededRandom(seed)` for a repeatable history. */
  random: () => number;
}

/** The same seed gives the same history. */
export { seededRandom } from '../domain/seeded-random.js';

/** Share of a weekday's traffic by local day of week (0 = Sunday): quiet weekends, a busy Monday. */
const WEEK = [0.3, 1.1, 1, 1, 0.95, 0.85, 0.45];

/** Share of the peak by local hour: a morning and an afternoon peak, a lunch dip, a trickle at night. */
export function dailyShape(hour: number): number {
  const bump = (centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2));
  return Math.min(1, 0.03 + bump(10.5, 2) + 0.85 * bump(15, 2.2) + 0.25 * bump(20, 1.5));
}

function poisson(mean: number, random: () => number): number {
  // Knuth's method: the means here are a few per interval.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

const exponential = (mean: number, random: () => number) => -mean * Math.log(1 - random());
const RATINGS = [0.05, 0.07, 0.15, 0.33, 0.4];

function pick<T>(items: readonly { weight: number; value: T }[], random: () => number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const i of items) if ((r -= i.weight) < 0) return i.value;
  return items[items.length - 1]!.value;
}

/**
 * The conversations of the `days` whole 15-minute-aligned days before `end`, oldest first. The first interval
 * always holds one, so the history visibly starts `days` days back (the forecast counts its days from there).
 * Nothing happens after `end`: a conversation whose reply or close would fall later is left open or unanswered.
 */
export function* syntheticConversations(o: SyntheticOptions): Generator<HistoryFacts> {
  const clock = localClock(o.timeZone);
  const peak = o.peakPerHour ?? 24;
  const last = intervalStartOf(o.end);
  const first = last - Math.round(o.days * 96) * HISTORY_INTERVAL_MS;
  const departments = o.departments.map((d) => ({ weight: d.weight, value: d.id as string | null }));
  if (departments.length === 0) departments.push({ weight: 1, value: null });
  const rateAt = (ms: number) => {
    const local = ms + clock.offsetMs(ms);
    const hour = ((local % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000;
    return (peak / 4) * WEEK[clock.slotOf(ms, 15).dow]! * dailyShape(hour);
  };
  for (let start = first; start < last; start += HISTORY_INTERVAL_MS) {
    const count = Math.max(start === first ? 1 : 0, poisson(rateAt(start + HISTORY_INTERVAL_MS / 2), o.random));
    const arrivals = Array.from({ length: count }, () => start + Math.floor(o.random() * HISTORY_INTERVAL_MS)).sort((a, b) => a - b);
    for (const createdAt of arrivals) {
      const departmentId = pick(departments, o.random);
      const answered = o.random() < 0.9;
      const wait = (answered ? exponential(35, o.random) : 20 + exponential(70, o.random)) * 1000;
      let firstResponseAt: number | null = answered ? createdAt + Math.round(wait) : null;
      let closedAt: number | null = answered ? firstResponseAt! + Math.round((60 + exponential(300, o.random)) * 1000) : createdAt + Math.round(wait);
      if (firstResponseAt !== null && firstResponseAt > o.end) firstResponseAt = closedAt = null;
      if (closedAt !== null && closedAt > o.end) closedAt = null;
      const rating = firstResponseAt !== null && closedAt !== null && o.random() < 0.35 ? pick(RATINGS.map((weight, i) => ({ weight, value: i + 1 })), o.random) : null;
      yield { createdAt, firstResponseAt, handleStartAt: firstResponseAt, closedAt, departmentId, rating };
    }
  }
}
