import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { newRequestId, signUp } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { useDesk } from '../support/use-desk.js';

describe('REST metrics', () => {
  const suite = useDesk('pglite', {}, { realtime: false });
  let pid: string;

  before(async () => {
    pid = suite.desk.projectId;
  });

  test('owners, admins and supervisors read the metrics; agents get 403 FORBIDDEN, visitors too, strangers 404', async () => {
    for (const who of [suite.desk.owner, suite.desk.admin, suite.desk.supervisor]) {
      const body = expectStatus(await who.rest.get(`/${pid}/metrics`), 200);
      assert.equal(body.project_id, pid);
    }
    for (const who of [suite.desk.agentA, suite.desk.agentC, await suite.desk.visitor()]) {
      for (const path of [`/${pid}/metrics`, `/${pid}/metrics/staffing`]) {
        const r = await who.rest.get(path);
        assert.equal(r.status, 403, path);
        assert.equal(r.body.error, 'FORBIDDEN');
      }
    }
    const stranger = await signUp(suite.app.url, 'stranger');
    assert.equal((await stranger.rest.get(`/${pid}/metrics`)).status, 404);
    assert.equal((await suite.desk.anonymous.get(`/${pid}/metrics`)).body.error, 'TOKEN_MISSING');
  });

  test('a visitor request shows as waiting in the project and in its department, then as active once joined', async () => {
    const visitor = await suite.desk.visitor();
    const rid = newRequestId(pid);
    expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'help' }), 201);
    let m = expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/metrics`), 200);
    assert.equal(m.now.waiting, 1);
    assert.equal(m.windows['15m'].arrivals, 1);
    const support = m.departments.find((d: { id: string }) => d.id === suite.desk.supportId);
    assert.equal(support.now.waiting, 1);
    assert.equal(m.departments.find((d: { id: string }) => d.id === suite.desk.salesId).now.waiting, 0);
    // The four agents, available by default (the desk ignores presence); owner, admin and supervisor do not take chats.
    assert.deepEqual(m.now.agents, { available: 4, busy: 0, away: 0, offline: 0, unavailable: 0 });

    expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
    expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'hi' }), 201);
    expectStatus(await suite.desk.agentB.rest.put(`/${pid}/project_users`, { user_available: false }), 200);
    m = expectStatus(await suite.desk.owner.rest.get(`/${pid}/metrics`), 200);
    assert.equal(m.now.waiting, 0);
    assert.equal(m.now.active_conversations, 1);
    assert.equal(m.windows['15m'].first_response.count, 1);
    assert.equal(m.windows['15m'].service_level.met, 1);
    assert.equal(m.windows['15m'].service_level.value, 1);
    assert.deepEqual(m.now.agents, { available: 3, busy: 0, away: 1, offline: 0, unavailable: 1 });
    assert.ok(m.seq > 0 && typeof m.epoch === 'string');

    expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/close`), 200);
    m = expectStatus(await suite.desk.owner.rest.get(`/${pid}/metrics`), 200);
    assert.equal(m.windows['60m'].closed, 1);
    assert.equal(m.windows['60m'].handle_time.count, 1);
    // One close is not enough to plan with: the handle time is mostly the project's default.
    assert.equal(m.staffing.handle_time.samples, 1);
    assert.equal(m.staffing.sources.aht_seconds, 'blended');
  });

  test('staffing what-if: 720 arrivals an hour, 240 s each, one at a time, 80 % within 20 s → 54 agents', async () => {
    const s = expectStatus(
      await suite.desk.supervisor.rest.get(`/${pid}/metrics/staffing?arrivals_per_hour=720&aht_seconds=240&concurrency=1&target=0.8&within=20`),
      200,
    );
    assert.equal(s.traffic_erlangs, 48);
    assert.equal(s.agents_needed, 54);
    assert.ok(s.service_level_at_needed >= 0.8 && s.service_level_at_needed < 0.82);
    assert.ok(Math.abs(s.asa_seconds_at_needed - 12.05) < 0.01);
    assert.deepEqual(s.measured, []);
    // The agents who can take chats now (three of the four agents: agent B went away) cannot carry 48 Erlangs.
    assert.equal(s.agents_staffed, 3);
    assert.equal(s.agents_can_take_chats, 3);
    assert.equal(s.service_level_with_current, 0);
    assert.equal(s.asa_seconds_with_current, null);
    // An ASA ceiling of 6 s on top asks for two more.
    const strict = expectStatus(
      await suite.desk.supervisor.rest.get(`/${pid}/metrics/staffing?arrivals_per_hour=720&aht_seconds=240&concurrency=1&target=0.8&within=20&max_asa=6`),
      200,
    );
    assert.equal(strict.agents_needed, 56);
    assert.ok(strict.asa_seconds_at_needed <= 6);
    assert.equal(strict.max_asa_seconds, 6);
  });

  test('staffing without what-if inputs measures the load and uses the project target', async () => {
    expectStatus(await suite.desk.owner.rest.put(`/projects/${pid}`, { settings: { service_level_target: 0.9, service_level_seconds: 30 } }), 200);
    const s = expectStatus(await suite.desk.admin.rest.get(`/${pid}/metrics/staffing`), 200);
    assert.deepEqual(s.measured, ['arrivals_per_hour', 'aht_seconds', 'concurrency']);
    assert.equal(s.target, 0.9);
    assert.equal(s.within_seconds, 30);
    assert.ok(s.arrivals_per_hour >= 1);
    const given = expectStatus(await suite.desk.admin.rest.get(`/${pid}/metrics/staffing?target=0.5&within=60`), 200);
    assert.equal(given.target, 0.5);
    assert.equal(given.within_seconds, 60);
  });

  test('bad staffing input is 400 BODY_INVALID', async () => {
    for (const q of ['target=1.5', 'target=0', 'within=-1', 'concurrency=0', 'aht_seconds=abc', 'arrivals_per_hour=-3', 'max_asa=0', 'surprise=1']) {
      const r = await suite.desk.owner.rest.get(`/${pid}/metrics/staffing?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error, 'BODY_INVALID', q);
    }
  });
});
