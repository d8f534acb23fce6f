import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { newRequestId, signUp, type Person } from '../support/desk.js';
import { projectFootprint } from '../support/footprint.js';
import { expectStatus, type RestResponse } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

/**
 * Role checks that a visibility check could hide: in every test here the caller CAN see what they act on (checked
 * first, with a GET), so a refusal can only come from their role, and a 404 would mean the test proves nothing.
 */
for (const kind of storeKinds()) {
  describe(`role checks where the caller sees the entity (${kind})`, () => {
    const suite = useDesk(kind);
    let pid: string;

    before(async () => {
      pid = suite.desk.projectId;
    });

    const footprint = () => projectFootprint(suite.app.db, pid);

    /** Each call must be refused with 403 FORBIDDEN, and all of them together must write nothing. */
    async function assertForbidden(calls: [string, () => Promise<RestResponse>][]): Promise<void> {
      const before = await footprint();
      for (const [name, call] of calls) {
        const response = await call();
        assert.equal(response.status, 403, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'FORBIDDEN', name);
      }
      assert.deepEqual(await footprint(), before, 'nothing was written');
    }

    async function load(person: Person): Promise<number> {
      return expectStatus(await person.rest.get(`/${pid}/project_users/me`), 200).number_assigned_requests;
    }

    /** A visitor's request in the Support pool with agents A and B both assigned by the supervisor. */
    async function sharedByAandB(): Promise<string> {
      const visitor = await suite.desk.visitor('Tess');
      const rid = newRequestId(pid);
      expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'two of you?' }), 201);
      for (const agent of [suite.desk.agentA, suite.desk.agentB]) {
        expectStatus(await suite.desk.supervisor.rest.post(`/${pid}/requests/${rid}/participants`, { member: agent.userId }), 200);
      }
      for (const agent of [suite.desk.agentA, suite.desk.agentB]) {
        const seen = expectStatus(await agent.rest.get(`/${pid}/requests/${rid}`), 200);
        assert.deepEqual(seen.participantsAgents, [suite.desk.agentA.userId, suite.desk.agentB.userId], 'both take part and both see it');
      }
      return rid;
    }

    test('two agents on one request: neither may remove the other (403, nothing written); a supervisor, an admin and the owner may', async () => {
      const rid = await sharedByAandB();
      const base = `/${pid}/requests/${rid}/participants`;
      const [loadA, loadB] = [await load(suite.desk.agentA), await load(suite.desk.agentB)];

      await assertForbidden([
        ['A removes B', () => suite.desk.agentA.rest.delete(`${base}/${suite.desk.agentB.userId}`)],
        ['B removes A', () => suite.desk.agentB.rest.delete(`${base}/${suite.desk.agentA.userId}`)],
        ['A adds D', () => suite.desk.agentA.rest.post(base, { member: suite.desk.agentD.userId })],
      ]);
      const still = expectStatus(await suite.desk.owner.rest.get(`/${pid}/requests/${rid}`), 200);
      assert.deepEqual(still.participantsAgents, [suite.desk.agentA.userId, suite.desk.agentB.userId]);
      assert.deepEqual([await load(suite.desk.agentA), await load(suite.desk.agentB)], [loadA, loadB], 'no load moved');

      for (const boss of [suite.desk.supervisor, suite.desk.admin, suite.desk.owner]) {
        const removed = expectStatus(await boss.rest.delete(`${base}/${suite.desk.agentB.userId}`), 200);
        assert.deepEqual(removed.participantsAgents, [suite.desk.agentA.userId], `${boss.email} removes B`);
        assert.equal(removed.status, 200, 'A is still on it');
        assert.equal(await load(suite.desk.agentB), loadB - 1);
        expectStatus(await boss.rest.post(base, { member: suite.desk.agentB.userId }), 200);
        assert.equal(await load(suite.desk.agentB), loadB);
      }
      // What an agent may do to themself.
      assert.deepEqual(expectStatus(await suite.desk.agentA.rest.delete(`${base}/${suite.desk.agentA.userId}`), 200).participantsAgents, [suite.desk.agentB.userId]);
    });

    test('the visitor who started a request sees it and may close it, but may not reopen it, change it or its participants', async () => {
      const visitor = await suite.desk.visitor('Ursula');
      const rid = newRequestId(pid);
      expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'mine' }), 201);
      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      const base = `/${pid}/requests/${rid}`;
      assert.equal(expectStatus(await visitor.rest.get(base), 200).request_id, rid, 'the visitor sees it');

      await assertForbidden([
        ['PATCH', () => visitor.rest.patch(base, { subject: 'urgent!', priority: 'urgent' })],
        ['remove agent A', () => visitor.rest.delete(`${base}/participants/${suite.desk.agentA.userId}`)],
        ['add agent B', () => visitor.rest.post(`${base}/participants`, { member: suite.desk.agentB.userId })],
      ]);
      assert.equal(expectStatus(await visitor.rest.put(`${base}/close`), 200).status, 1000, 'the visitor may close it');
      await assertForbidden([['reopen', () => visitor.rest.put(`${base}/reopen`)]]);
      assert.equal(expectStatus(await visitor.rest.get(base), 200).status, 1000, 'still closed');
    });

    test('a supervisor sees the whole project but may not change its configuration (403, nothing written); an admin may not change its limits', async () => {
      const newcomer = await signUp(suite.app.url, 'newcomer');
      const sup = suite.desk.supervisor.rest;
      // Everything the calls below name is visible to the supervisor.
      expectStatus(await sup.get(`/projects/${pid}`), 200);
      expectStatus(await sup.get(`/projects/${pid}/limits`), 200);
      expectStatus(await sup.get(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`), 200);
      expectStatus(await sup.get(`/${pid}/departments/${suite.desk.salesId}`), 200);

      await assertForbidden([
        ['rename the project', () => sup.put(`/projects/${pid}`, { name: 'Supervised' })],
        ['change the settings', () => sup.put(`/projects/${pid}`, { settings: { chat_limit_on: true, max_agent_assigned_chat: 1 } })],
        ['set a limit', () => sup.put(`/projects/${pid}/limits`, { rest_writes_per_minute: 10 })],
        ['an agent’s max_assigned_chat', () => sup.put(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`, { max_assigned_chat: 0 })],
        ['promote an agent', () => sup.put(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`, { role: 'supervisor' })],
        ['disable an agent', () => sup.put(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`, { status: 'disabled' })],
        ['promote themself', () => sup.put(`/${pid}/project_users/${suite.desk.supervisor.projectUserId}`, { role: 'admin' })],
        ['invite', () => sup.post(`/${pid}/project_users/invite`, { email: newcomer.email, role: 'agent' })],
        ['create a department', () => sup.post(`/${pid}/departments`, { name: 'Night shift' })],
        ['update a department', () => sup.put(`/${pid}/departments/${suite.desk.salesId}`, { members: [suite.desk.agentD.userId] })],
        ['delete a department', () => sup.delete(`/${pid}/departments/${suite.desk.salesId}`)],
        ['admin sets a limit', () => suite.desk.admin.rest.put(`/projects/${pid}/limits`, { rest_writes_per_minute: 10 })],
      ]);
      assert.deepEqual(expectStatus(await newcomer.rest.get('/projects'), 200), [], 'the newcomer was not added');
      assert.equal(expectStatus(await suite.desk.supervisor.rest.get(`/${pid}/project_users/me`), 200).role, 'supervisor');
    });

    test('a visitor has a project user but may not set desk availability (403, nothing written)', async () => {
      const visitor = await suite.desk.visitor('Vera');
      const me = expectStatus(await visitor.rest.get(`/${pid}/project_users/me`), 200);
      assert.equal(me.role, 'guest');
      await assertForbidden([
        ['unavailable', () => visitor.rest.put(`/${pid}/project_users`, { user_available: false })],
        ['status text', () => visitor.rest.put(`/${pid}/project_users`, { profileStatus: 'away' })],
        ['change own role', () => visitor.rest.put(`/${pid}/project_users/${me._id}`, { role: 'agent' })],
      ]);
    });

    test('a visitor reads their own project user by id, but no other project user and no department (404)', async () => {
      const visitor = await suite.desk.visitor('Xena');
      const me = expectStatus(await visitor.rest.get(`/${pid}/project_users/me`), 200);
      assert.deepEqual(expectStatus(await visitor.rest.get(`/${pid}/project_users/${me._id}`), 200), me);
      const other = await suite.desk.visitor('Yuri');
      for (const [name, path] of [
        ['agent A', `/${pid}/project_users/${suite.desk.agentA.projectUserId}`],
        ['the owner', `/${pid}/project_users/${suite.desk.owner.projectUserId}`],
        ['another visitor', `/${pid}/project_users/${other.projectUserId}`],
        ['Support', `/${pid}/departments/${suite.desk.supportId}`],
      ]) {
        const r = await visitor.rest.get(path!);
        assert.equal(r.status, 404, `${name}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'NOT_FOUND', name);
      }
    });

    test('nobody changes their own role or disables themself, not even an owner (409 CONFLICT, nothing written)', async () => {
      const before = await footprint();
      for (const [who, person, patch] of [
        ['the owner demotes themself', suite.desk.owner, { role: 'admin' }],
        ['the owner disables themself', suite.desk.owner, { status: 'disabled' }],
        ['an admin demotes themself', suite.desk.admin, { role: 'agent' }],
        ['an admin disables themself', suite.desk.admin, { status: 'disabled' }],
      ] as const) {
        const r = await person.rest.put(`/${pid}/project_users/${person.projectUserId}`, patch);
        assert.equal(r.status, 409, `${who}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'CONFLICT', who);
      }
      assert.deepEqual(await footprint(), before, 'nothing was written');
      const own = expectStatus(await suite.desk.admin.rest.put(`/${pid}/project_users/${suite.desk.admin.projectUserId}`, { max_assigned_chat: 7 }), 200);
      assert.deepEqual([own.role, own.status, own.max_assigned_chat], ['admin', 'active', 7], 'other own fields may change');
    });
  });
}
