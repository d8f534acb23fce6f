/**
 * The dashboard's client-side hour of history (dashboard/src/metrics-history.ts): samples older than an hour leave,
 * arrivals and closes land in their minute, and every minute of the hour is present so the chart's axis is continuous.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HISTORY_SECONDS, MetricsHistory } from '../../dashboard/src/metrics-history.js';
import type { ProjectMetrics } from '../../src/domain/metrics.js';

function metrics(waiting: number, sl: number | null): ProjectMetrics {
  const window = (minutes: number) => ({
    minutes, arrivals: 0, closed: 0,
    first_response: { count: 0, mean_seconds: null, p90_seconds: null },
    service_level: { target: 0.8, within_seconds: 60, met: 0, missed: 0, value: sl },
    handle_time: { count: 0, mean_seconds: null }, workload_erlangs: 0, occupancy: null,
  });
  return {
    project_id: 'p', seq: 1, epoch: 'e', computed_at: '', departments: [],
    // The history reads the queue and the service level only.
    staffing: {} as ProjectMetrics['staffing'],
    now: { waiting, longest_wait_seconds: null, average_wait_seconds: null, oldest_waiting_since: null, active_conversations: 2, agents: { available: 1, busy: 0, away: 0, offline: 0, unavailable: 0 }, free_chat_slots: null, conversations_per_available_agent: null },
    windows: { '15m': window(15), '60m': window(60) },
  };
}

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

test('samples keep one hour, in time order, service level in percent and null when undecided', () => {
  const h = new MetricsHistory();
  h.record(metrics(1, null), T0);
  h.record(metrics(2, 0.75), T0 + 30 * 60_000);
  h.record(metrics(3, 1), T0 + 61 * 60_000);
  assert.deepEqual(h.samples.t, [(T0 + 30 * 60_000) / 1000, (T0 + 61 * 60_000) / 1000]);
  assert.deepEqual(h.samples.waiting, [2, 3]);
  assert.deepEqual(h.samples.active, [2, 2]);
  assert.deepEqual(h.samples.serviceLevel, [75, 100]);
  assert.deepEqual(h.samples.target, [80, 80]);
  const fresh = new MetricsHistory();
  fresh.record(metrics(0, null), T0);
  assert.deepEqual(fresh.samples.serviceLevel, [null]);
});

test('arrivals and closes are counted per minute over a continuous hour', () => {
  const h = new MetricsHistory();
  h.count('arrivals', T0 - 90 * 60_000); // older than the hour by the time it is read
  h.count('arrivals', T0 + 1_000);
  h.count('arrivals', T0 + 59_999);
  h.count('closes', T0 + 60_000);
  const m = h.perMinute(T0 + 90_000);
  assert.equal(m.t.length, HISTORY_SECONDS / 60);
  assert.equal(m.t.at(-1), (T0 + 60_000) / 1000);
  assert.deepEqual(m.arrivals.slice(-2), [2, 0]);
  assert.deepEqual(m.closes.slice(-2), [0, 1]);
  assert.equal(m.arrivals.reduce((a, b) => a + b, 0), 2, 'the arrival from 90 minutes ago is gone');
});
