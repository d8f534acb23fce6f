/**
 * The done-when for the live metrics: in the demo project, with 30 requests waiting, two agents able to take
 * chats (one other agent away, one offline, owner/admin/supervisor connected but not taking chats) and a surge of
 * 30 arrivals a minute, GET /:pid/metrics says more agents are needed than can take chats and that the expected
 * service level is far below target. Presence comes from real Realtime connections; on PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { readDemoCredentials } from '../../src/services/demo-data.js';
import { TestClient } from '../support/ws-client.js';
import { newRequestId } from '../support/desk.js';
import { until } from '../support/until.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

const MIN = 60_000;

for (const kind of storeKinds()) {
  describe(`${kind}: a surge on the demo desk`, () => {
    let app: TestApp;
    const sockets: TestClient[] = [];
    before(async () => {
      app = await startTestApp(kind, { DEMO_DATA: 'true' });
    });
    after(async () => {
      for (const s of sockets) await s.close();
      await app.closeAll();
    });

    test('30 waiting, 2 agents able to take chats, 30 arrivals a minute: more agents needed than can take chats, service level far below target', async () => {
      const demo = (await readDemoCredentials(app.db))!;
      const pid = demo.projectId;
      const anonymous = new Rest(app.url);
      const person = async (email: string) => {
        const signin = expectStatus(await anonymous.post('/auth/signin', { email, password: demo.password }), 200);
        return { token: signin.token as string, rest: anonymous.as(signin.token) };
      };
      const [owner, admin, supervisor, alice, bob, carol] = await Promise.all(
        ['owner', 'ada', 'sam', 'alice', 'bob', 'carol'].map((n) => person(`${n}@demo.deskwire`)),
      );
      // Connected: Alice and Bob (who take chats), and owner, admin, supervisor (who do not, by the demo's default).
      for (const p of [owner!, admin!, supervisor!, alice!, bob!]) {
        sockets.push(await TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(p.token)}`));
      }
      for (const p of [alice!, bob!]) {
        await until(async () => expectStatus(await p.rest.get(`/${pid}/project_users/me`), 200).presence.status === 'online', 'online', { everyMs: 20 });
      }
      // Carol is connected-or-not but switched off (away); Dan never connects (offline).
      expectStatus(await carol!.rest.put(`/${pid}/project_users`, { user_available: false }), 200);

      // The last 20 minutes before the surge's waiting requests: 30 arrivals a minute, each answered in 20 s and
      // handled in 190 s (the project is a day old, so the whole lookback hour counts as observed).
      const support = (await app.db.query<{ id: string }>(`SELECT id FROM departments WHERE project_id = $1 AND is_default`, [pid]))[0]!.id;
      await app.db.query(`UPDATE projects SET created_at = now() - interval '1 day' WHERE id = $1`, [pid]);
      const now = Date.now();
      for (let i = 0; i < 19 * 30; i++) {
        const created = now - MIN - i * 2000 - 1000;
        await app.db.query(
          `INSERT INTO requests (id, project_id, request_id, ticket_id, status, participants_agents, department_id, requester_user_id,
                                 created_at, updated_at, assigned_at, first_response_at, closed_at)
           VALUES ($1, $2, $3, $4, 1000, '{}', $5, $6, $7, $7, $8, $9, $10)`,
          [newId(), pid, `history-${i}`, 10_000 + i, support, `visitor-${i}`, new Date(created), new Date(created + 10_000), new Date(created + 20_000), new Date(created + 200_000)],
        );
      }
      // The surge's last minute: 30 visitors, through REST, into the pooled Support department, nobody joins.
      const rids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const signin = expectStatus(await anonymous.post('/auth/signinAnonymously', { id_project: pid, firstname: `v${i}` }), 200);
        const rid = newRequestId(pid);
        expectStatus(await anonymous.as(signin.token).post(`/${pid}/requests/${rid}/messages`, { text: 'help!' }), 201);
        rids.push(rid);
      }
      // Spread over the last minute, 2 s apart, as 30 a minute arrive.
      for (const [i, rid] of rids.entries()) {
        await app.db.query(`UPDATE requests SET created_at = $3 WHERE project_id = $1 AND request_id = $2`, [pid, rid, new Date(now - i * 2000)]);
      }

      // The demo's 28 days of seeded history give a forecast for this interval (asked of the forecast route, the
      // same interval as the metrics: a new interval between the two reads asks again).
      const QUARTER = 15 * MIN;
      let m;
      let forecastNow: number;
      do {
        const interval = Math.floor(Date.now() / QUARTER);
        const forecast = expectStatus(await supervisor!.rest.get(`/${pid}/metrics/forecast?horizon=1h&interval=15m`), 200);
        forecastNow = forecast.intervals[0].arrivals.mean * 4;
        m = expectStatus(await supervisor!.rest.get(`/${pid}/metrics`), 200);
        if (Math.floor(Date.now() / QUARTER) === interval) break;
      } while (true);
      assert.equal(m.now.waiting, 30);
      // Connected owner, admin and supervisor are not counted; Carol is away, Dan offline.
      assert.deepEqual(m.now.agents, { available: 2, busy: 0, away: 1, offline: 1, unavailable: 2 });
      const s = m.staffing;
      assert.equal(s.agents_can_take_chats, 2);
      // The live estimate reads the surge; the forecast for the interval is the forecast route's; the rate planned
      // with is their blend as docs/metrics.md defines it (the surge's evidence against 25 arrivals' worth).
      const rate = s.arrival_rate;
      assert.ok(rate.live_per_hour > 1500 && rate.live_per_hour < 2100, `about 30 a minute, got ${rate.live_per_hour}/h`);
      assert.ok(Math.abs(rate.forecast_per_hour - forecastNow) < 1e-6 * forecastNow, `forecast ${rate.forecast_per_hour}/h, the route's ${forecastNow}/h`);
      assert.ok(forecastNow < 100, `the demo's forecast is tens an hour, not a surge: ${forecastNow}/h`);
      const exposureHours = ((300 / Math.LN2) * (1 - 2 ** (-rate.observed_seconds / 300))) / 3600;
      const evidence = Math.max(rate.weighted_arrivals, rate.forecast_per_hour * exposureHours);
      const liveWeight = evidence / (evidence + 25);
      const blended = liveWeight * rate.live_per_hour + (1 - liveWeight) * rate.forecast_per_hour;
      assert.ok(Math.abs(s.arrivals_per_hour - blended) < 0.01 * blended, `blended ${blended}/h, got ${s.arrivals_per_hour}/h`);
      assert.ok(s.arrivals_per_hour > 900, `still a surge after the blend: ${s.arrivals_per_hour}/h`);
      assert.deepEqual(s.sources, { arrivals_per_hour: 'blended', aht_seconds: 'measured', concurrency: 'measured' });
      assert.ok(Math.abs(s.aht_seconds - 190) < 1, `handle time measured on 570 closes, got ${s.aht_seconds}`);
      assert.equal(s.backlog.waiting, 30);
      assert.ok(s.backlog.agents_needed >= 1, 'the backlog alone needs agents');
      assert.ok(s.agents_needed > s.agents_can_take_chats, `needed ${s.agents_needed} > ${s.agents_can_take_chats} who can take chats`);
      assert.ok(s.shortfall > 0);
      assert.ok(s.expected_service_level < 0.2, `expected service level far below the 80 % target, got ${s.expected_service_level}`);
      assert.ok(s.expected_service_level_at_needed > s.expected_service_level, 'the agents needed would do better');

      // The what-if measures with the same live inputs.
      const w = expectStatus(await supervisor!.rest.get(`/${pid}/metrics/staffing`), 200);
      assert.equal(w.agents_can_take_chats, 2);
      assert.ok(Math.abs(w.arrivals_per_hour - s.arrivals_per_hour) < 60, 'the same rate, a moment later');
    });
  });
}
