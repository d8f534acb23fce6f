/**
 * The live arrival rate is blended with the project's forecast for the current interval (docs/metrics.md, "Arrival
 * rate"): a desk with no history has none to blend; an import gives one at once, the forecast route's figure for the
 * interval; and a desk whose first visitors arrive within seconds is planned near its forecast, not at the
 * thousands an hour that a few seconds' count alone reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Eight days ending an hour ago, two arrivals an hour: enough history for a forecast of about two an hour. */
function historyCsv(nowMs: number): string {
  const lines = ['created_at,first_response_at,closed_at,rating'];
  const current = Math.floor(nowMs / QUARTER) * QUARTER;
  for (let t = current - 8 * 24 * HOUR; t < current - HOUR; t += HOUR / 2) lines.push(`${iso(t + 60_000)},${iso(t + 90_000)},${iso(t + 6 * 60_000)},5`);
  return lines.join('\n');
}

for (const kind of storeKinds()) {
  describe(`${kind}: the live arrival rate and the forecast`, () => {
    const suite = useDesk(kind);

    /** GET /metrics and the forecast route's figure for the current interval, both read within one interval. */
    async function metricsAndForecast(): Promise<{ staffing: any; forecastPerHour: number }> {
      for (;;) {
        const interval = Math.floor(Date.now() / QUARTER);
        const forecast = expectStatus(await suite.desk.supervisor.rest.get(`/${suite.desk.projectId}/metrics/forecast?horizon=1h&interval=15m`), 200);
        const metrics = expectStatus(await suite.desk.supervisor.rest.get(`/${suite.desk.projectId}/metrics`), 200);
        if (Math.floor(Date.now() / QUARTER) === interval) return { staffing: metrics.staffing, forecastPerHour: forecast.intervals[0].arrivals.mean * 4 };
      }
    }

    test('no history, no forecast to blend; after an import the interval has the forecast route\'s figure at once', async () => {
      const before = expectStatus(await suite.desk.supervisor.rest.get(`/${suite.desk.projectId}/metrics`), 200).staffing;
      assert.equal(before.arrival_rate.forecast_per_hour, null);
      assert.equal(before.sources.arrivals_per_hour, 'measured');

      expectStatus(await suite.desk.owner.rest.call('POST', `/${suite.desk.projectId}/history/import`, historyCsv(Date.now()), { 'content-type': 'text/csv' }), 200);
      const { staffing, forecastPerHour } = await metricsAndForecast();
      assert.ok(forecastPerHour > 0.5 && forecastPerHour < 10, `about two an hour: ${forecastPerHour}`);
      assert.ok(Math.abs(staffing.arrival_rate.forecast_per_hour - forecastPerHour) < 1e-6 * forecastPerHour, `${staffing.arrival_rate.forecast_per_hour} vs the route's ${forecastPerHour}`);
      // Nothing has arrived on the live desk yet, over seconds: the forecast weighs almost everything.
      assert.equal(staffing.arrival_rate.weighted_arrivals, 0);
      assert.equal(staffing.sources.arrivals_per_hour, 'blended');
      assert.ok(Math.abs(staffing.arrivals_per_hour - forecastPerHour) < 0.02 * forecastPerHour, `${staffing.arrivals_per_hour} vs ${forecastPerHour}`);
    });

    test('six visitors in the suite.desk\'s first seconds: the live count reads thousands an hour, the rate planned with stays near the forecast', async () => {
      for (let i = 0; i < 6; i++) {
        const visitor = await suite.desk.visitor(`Early ${i}`);
        expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${newRequestId(suite.desk.projectId)}/messages`, { text: 'hello' }), 201);
      }
      const { staffing, forecastPerHour } = await metricsAndForecast();
      const rate = staffing.arrival_rate;
      assert.ok(rate.live_per_hour > 500, `seconds of observation read as a surge: ${rate.live_per_hour}/h`);
      assert.equal(staffing.sources.arrivals_per_hour, 'blended');
      // Six arrivals weigh 6 against the forecast's 25: the plan moves about a fifth of the way to the live count.
      const liveWeight = rate.weighted_arrivals / (rate.weighted_arrivals + 25);
      assert.ok(liveWeight > 0.15 && liveWeight < 0.2, `live weight ${liveWeight}`);
      const blended = liveWeight * rate.live_per_hour + (1 - liveWeight) * forecastPerHour;
      assert.ok(Math.abs(staffing.arrivals_per_hour - blended) < 0.01 * blended, `blended ${blended}/h, got ${staffing.arrivals_per_hour}/h`);
      assert.ok(staffing.arrivals_per_hour < rate.live_per_hour / 4, `${staffing.arrivals_per_hour}/h against the live ${rate.live_per_hour}/h`);
    });
  });
}
