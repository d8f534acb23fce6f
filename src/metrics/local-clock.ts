/**
 * Where an instant falls in a project's local week: its local date, day of week and time-of-day slot. Seasonality is
 * a matter of local time (people come to work at 9:00 local, summer time or not), so every forecast keys its
 * history by these, computed with Intl from the IANA time-zone database, daylight-saving changes included.
 */

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface LocalSlot {
  /** The local calendar date as days since 1970-01-01. */
  day: number;
  /** Local day of week, 0 = Sunday … 6 = Saturday. */
  dow: number;
  /** Index of the interval within the local day: floor(local minutes since midnight / interval minutes). */
  slot: number;
}

export interface LocalClock {
  readonly timeZone: string;
  /** Local wall-clock time minus UTC at `ms`, in milliseconds. */
  offsetMs(ms: number): number;
  /** The local slot of the interval that starts at `ms`. */
  slotOf(ms: number, intervalMinutes: number): LocalSlot;
}

/** Throws a RangeError naming the zone when it is not an IANA time zone Intl knows. */
export function localClock(timeZone: string): LocalClock {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`unknown time zone: ${JSON.stringify(timeZone)}`);
  }

  const exactOffset = (ms: number): number => {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  };

  // formatToParts costs microseconds; a forecast asks for thousands of instants. Offsets change only at
  // transitions, a few a year, so an offset is cached per UTC day; a day whose two ends disagree holds a transition
  // and is cached per UTC hour instead, and an hour whose two ends disagree is answered exactly for each instant.
  const cache = new Map<number, number>();
  const at = (ms: number): number => {
    let offset = cache.get(ms);
    if (offset === undefined) {
      offset = exactOffset(ms);
      cache.set(ms, offset);
    }
    return offset;
  };
  const offsetMs = (ms: number): number => {
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    const start = at(day);
    if (start === at(day + DAY_MS)) return start;
    const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
    const inHour = at(hour);
    return inHour === at(hour + HOUR_MS) ? inHour : exactOffset(ms);
  };

  return {
    timeZone,
    offsetMs,
    slotOf(ms, intervalMinutes) {
      const local = ms + offsetMs(ms);
      const day = Math.floor(local / DAY_MS);
      const minutes = (local - day * DAY_MS) / 60_000;
      return { day, dow: (((day + 4) % 7) + 7) % 7, slot: Math.floor(minutes / intervalMinutes) };
    },
  };
}

/** Number of slots in a local day of 24 hours. */
export function slotsPerDay(intervalMinutes: number): number {
  return Math.ceil(1440 / intervalMinutes);
}
