/**
 * The forecast endpoint on a project whose history is 28 days drawn from a known weekly pattern, imported through
 * the REST import as a desk moving from another tool would: the hourly error against the true rate meets the
 * target and beats seasonal naive, and every interval carries its staffing plan.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { seededRandom } from '../metrics/seeded-random.js';
import { localClock } from '../../src/metrics/local-clock.js';
import { aggregate, officeWeek, sampleCounts, trueRates, wape, type RateCurve } from '../metrics/weekly-pattern.js';
import { useDesk } from '../support/use-desk.js';

const Q = 15 * 60_000;

describe('forecast endpoint on 28 days of imported history', () => {
  const suite = useDesk('pglite', {}, { realtime: false });
  let pid: string;
  const now = Date.now();
  const current = Math.floor(now / Q) * Q;
  const days = 28;
  const start = current - days * 96 * Q;
  // The same situation whatever the hour and day the test runs: the project's time zone puts "now" in the first
  // hour of a local day, and the pattern is turned so that this day is a Monday of it (the case of the pure test in
  // test/metrics/forecast.test.ts). Forecasts made later in a day, or over a weekend, are less accurate: docs/metrics.md.
  const utcHour = new Date(now).getUTCHours();
  const offset = utcHour <= 12 ? -utcHour : 24 - utcHour;
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const today = localClock(zone).slotOf(now, 15).dow;
  const week: RateCurve = (dow, hour) => officeWeek((dow - today + 1 + 7) % 7, hour);
  const rates = trueRates(week, zone, 15, start, days * 96 + 24 * 4);
  const points = sampleCounts(rates.subarray(0, days * 96), start, 15, seededRandom(15));

  before(async () => {
    pid = suite.desk.projectId;
    expectStatus(await suite.desk.owner.rest.put(`/projects/${pid}`, { settings: { time_zone: zone } }), 200);
    const lines = ['created_at,first_response_at,closed_at'];
    for (const p of points) {
      for (let k = 0; k < p.count; k++) {
        const created = p.start + Math.floor(((k + 0.5) * Q) / p.count);
        // Answered after 20 s and handled for four minutes: a measured handle time for the plan.
        lines.push(`${new Date(created).toISOString()},${new Date(created + 20_000).toISOString()},${new Date(created + 260_000).toISOString()}`);
      }
    }
    const summary = expectStatus(await suite.desk.owner.rest.call('POST', `/${pid}/history/import`, lines.join('\n'), { 'content-type': 'text/csv' }), 200);
    assert.equal(summary.imported, points.reduce((s, p) => s + p.count, 0));
  });

  test('next 24 hours: hourly WAPE against the true rate ≤ 10 %, under seasonal naive; agents_needed per interval', async (t) => {
    const f = expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/metrics/forecast?horizon=24h&interval=15m`), 200);
    assert.equal(f.intervals.length, 96);
    assert.equal(f.intervals[0].start, new Date(current).toISOString());
    assert.equal(f.time_zone, zone);
    assert.ok(f.history_days >= 27.9 && f.history_days <= 28.1, String(f.history_days));
    assert.notEqual(f.method, 'seasonal_naive');
    assert.equal(f.backtest.baseline, 'seasonal_naive');
    assert.ok(f.backtest.wape < f.backtest.baseline_wape, JSON.stringify(f.backtest));

    const truth = aggregate(rates.subarray(days * 96), 4);
    const ours = wape(truth, aggregate(f.intervals.map((i: { arrivals: { mean: number } }) => i.arrivals.mean), 4));
    // Seasonal naive by hand: the same interval one week earlier.
    const naive = f.intervals.map((_: unknown, k: number) => points[points.length - 7 * 96 + k]!.count);
    const baseline = wape(truth, aggregate(naive, 4));
    t.diagnostic(`hourly WAPE ${ours.toFixed(4)} (${f.method}), seasonal naive ${baseline.toFixed(4)}; backtest ${JSON.stringify(f.backtest.candidates)}`);
    assert.ok(ours <= 0.1, `WAPE ${ours} with ${f.method}`);
    assert.ok(ours < 0.6 * baseline, `WAPE ${ours} against seasonal naive ${baseline}`);

    // The plan: the measured handle time (240 s, thousands of samples per slot), and more agents at the peak than at night.
    const metrics = expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/metrics`), 200);
    assert.equal(f.agents_can_take_chats, metrics.now.agents.available + metrics.now.agents.busy);
    for (const i of f.intervals) {
      assert.equal(i.handle_seconds, 240);
      assert.ok(Number.isInteger(i.agents_needed) && i.agents_needed >= 0, JSON.stringify(i));
      assert.ok(i.arrivals.low <= i.arrivals.mean && i.arrivals.mean <= i.arrivals.high, JSON.stringify(i.arrivals));
    }
    const needed = f.intervals.map((i: { agents_needed: number }) => i.agents_needed);
    const busiest = f.intervals.reduce((a: any, b: any) => (b.arrivals.mean > a.arrivals.mean ? b : a));
    const quietest = f.intervals.reduce((a: any, b: any) => (b.arrivals.mean < a.arrivals.mean ? b : a));
    assert.ok(busiest.agents_needed > quietest.agents_needed, JSON.stringify({ needed }));
    assert.equal(f.model, 'erlang_c', 'nobody abandoned in this history: patience unknown');

    const hourly = expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/metrics/forecast?horizon=24h&interval=60m`), 200);
    assert.equal(hourly.interval_minutes, 60);
    assert.ok(hourly.intervals.length >= 24 && hourly.intervals.length <= 25);
    const department = expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/metrics/forecast?horizon=2h&department=${suite.desk.supportId}`), 200);
    assert.equal(department.department, suite.desk.supportId);
    assert.ok(department.history_days >= 27.9, 'imported rows with no department went to the default one');
  });
});
