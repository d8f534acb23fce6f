/**
 * Handle-time samples for a forecast interval, from the history: the conversations closed in the same local
 * time-of-day slot on any day. Handle time changes with the hour (night chats run longer, lunch-hour ones shorter)
 * far more than with the weekday, so pooling every day of the week gives each slot seven times the samples.
 */
import type { HandleSamples } from './handle-time-estimate.js';
import { localClock, slotsPerDay } from './local-clock.js';

export interface HandleHistoryPoint extends HandleSamples {
  /** Interval start, epoch ms. */
  start: number;
}

/** For each target interval start, the pooled samples of its local time-of-day slot. */
export function handleSamplesBySlot(history: readonly HandleHistoryPoint[], timeZone: string, intervalMinutes: number, targets: readonly number[]): HandleSamples[] {
  const clock = localClock(timeZone);
  const count = new Float64Array(slotsPerDay(intervalMinutes));
  const sum = new Float64Array(count.length);
  for (const p of history) {
    const s = clock.slotOf(p.start, intervalMinutes).slot;
    count[s] = count[s]! + p.count;
    sum[s] = sum[s]! + p.sumSeconds;
  }
  return targets.map((start) => {
    const s = clock.slotOf(start, intervalMinutes).slot;
    return { count: count[s]!, sumSeconds: sum[s]! };
  });
}
