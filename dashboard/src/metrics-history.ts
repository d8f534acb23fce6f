/**
 * The last hour of the project, kept in the page since it was opened: the server pushes the current state only, and
 * keeps no time series to ask for (docs/dashboard.md says so). Queue length and service level are sampled from each
 * metrics push; arrivals and closes are counted per minute from the live requests topic, which for a supervisor is
 * every request of the project.
 */
import type { ProjectMetrics } from '../../src/domain/metrics.js';

export const HISTORY_SECONDS = 3600;

export interface Samples {
  /** Unix seconds. */
  t: number[];
  waiting: number[];
  active: number[];
  /** 0..100, null when nothing was decided in the window. */
  serviceLevel: (number | null)[];
  target: number[];
}

export interface PerMinute {
  /** Unix seconds at the start of each minute. */
  t: number[];
  arrivals: number[];
  closes: number[];
}

export class MetricsHistory {
  readonly samples: Samples = { t: [], waiting: [], active: [], serviceLevel: [], target: [] };
  private readonly minutes = new Map<number, { arrivals: number; closes: number }>();

  record(m: ProjectMetrics, nowMs: number = Date.now()): void {
    const s = this.samples;
    const sl = m.windows['15m'].service_level;
    s.t.push(nowMs / 1000);
    s.waiting.push(m.now.waiting);
    s.active.push(m.now.active_conversations);
    s.serviceLevel.push(sl.value === null ? null : sl.value * 100);
    s.target.push(sl.target * 100);
    // Drop what has left the hour; samples arrive in time order, so the old ones are at the front.
    const cutoff = nowMs / 1000 - HISTORY_SECONDS;
    let drop = 0;
    while (drop < s.t.length && s.t[drop]! < cutoff) drop += 1;
    if (drop > 0) for (const series of Object.values(s) as unknown[][]) series.splice(0, drop);
  }

  count(kind: 'arrivals' | 'closes', nowMs: number = Date.now()): void {
    const minute = Math.floor(nowMs / 60_000) * 60;
    const bucket = this.minutes.get(minute) ?? { arrivals: 0, closes: 0 };
    bucket[kind] += 1;
    this.minutes.set(minute, bucket);
  }

  /** Every minute of the last hour up to now, zeros included, so the chart's x axis is continuous. */
  perMinute(nowMs: number = Date.now()): PerMinute {
    const last = Math.floor(nowMs / 60_000) * 60;
    const first = last - HISTORY_SECONDS + 60;
    for (const minute of this.minutes.keys()) if (minute < first) this.minutes.delete(minute);
    const out: PerMinute = { t: [], arrivals: [], closes: [] };
    for (let minute = first; minute <= last; minute += 60) {
      const bucket = this.minutes.get(minute);
      out.t.push(minute);
      out.arrivals.push(bucket?.arrivals ?? 0);
      out.closes.push(bucket?.closes ?? 0);
    }
    return out;
  }
}
