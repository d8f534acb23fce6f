import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { newRequestId, signUp, type Person } from '../support/desk.js';
import { projectFootprint as footprint } from '../support/footprint.js';
import { expectStatus, type Rest, type RestResponse } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

type Call = (rest: Rest) => Promise<RestResponse>;

/**
 * Every route that reads or acts on one request. `participant` is someone already taking part (if any), so that
 * DELETE …/participants would succeed or be refused for a reason other than visibility if visibility were not checked.
 */
function requestRoutes(projectId: string, requestId: string, self: string, participant: string | null, messageId: string): [string, Call][] {
  const base = `/${projectId}/requests/${requestId}`;
  return [
    ['GET request', (r) => r.get(base)],
    ['GET messages', (r) => r.get(`${base}/messages`)],
    ['POST message', (r) => r.post(`${base}/messages`, { text: 'let me in' })],
    ['PATCH request', (r) => r.patch(base, { tags: ['peeked'], priority: 'urgent' })],
    ['PUT close', (r) => r.put(`${base}/close`)],
    ['PUT reopen', (r) => r.put(`${base}/reopen`)],
    ['POST participants', (r) => r.post(`${base}/participants`, { member: self })],
    ['DELETE participants', (r) => r.delete(`${base}/participants/${participant ?? self}`)],
    ['PATCH message status', (r) => r.patch(`${base}/messages/${messageId}`, { status: 300 })],
  ];
}

for (const kind of storeKinds()) {
  describe(`authorization (${kind})`, () => {
    const suite = useDesk(kind);
    let pid: string;
    let visitor1: Person;
    let visitor2: Person;
    /** Started by visitor 1 in the pooled default department; nobody has joined. */
    let pooled: string;
    let pooledMessage: string;
    /** Started by visitor 1 in Support; agent A joined. */
    let assignedToA: string;
    let assignedMessage: string;
    /** Started by visitor 2 in the assigned Sales department: routed to agent C. */
    let sales: string;
    let salesMessage: string;
    /** The body every route gives for a request id that does not exist. */
    let absentBody: unknown;

    before(async () => {
      pid = suite.desk.projectId;
      visitor1 = await suite.desk.visitor('Vic');
      visitor2 = await suite.desk.visitor('Val');
      pooled = newRequestId(pid);
      pooledMessage = expectStatus(await visitor1.rest.post(`/${pid}/requests/${pooled}/messages`, { text: 'pool me' }), 201)._id;
      assignedToA = newRequestId(pid);
      assignedMessage = expectStatus(await visitor1.rest.post(`/${pid}/requests/${assignedToA}/messages`, { text: 'for A' }), 201)._id;
      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${assignedToA}/participants`, { member: suite.desk.agentA.userId }), 200);
      sales = newRequestId(pid);
      const first = expectStatus(await visitor2.rest.post(`/${pid}/requests/${sales}/messages`, { text: 'prices?', departmentid: suite.desk.salesId }), 201);
      salesMessage = first._id;
      assert.deepEqual(first.request.participantsAgents, [suite.desk.agentC.userId], 'the fixture: Sales routes to agent C');
      absentBody = expectStatus(await suite.desk.owner.rest.get(`/${pid}/requests/${newRequestId(pid)}`), 404);
      assert.equal((absentBody as { error: string }).error, 'NOT_FOUND');
    });

    /** The caller cannot tell the request exists, cannot read it, and changes nothing through any route. */
    async function assertInvisible(caller: Person, requestId: string, participant: string | null, messageId: string) {
      const before = await footprint(suite.app.db, pid);
      const routes = requestRoutes(pid, requestId, caller.userId, participant, messageId);
      const absentRoutes = requestRoutes(pid, newRequestId(pid), caller.userId, participant, messageId);
      for (const [i, [name, call]] of routes.entries()) {
        const response = await call(caller.rest);
        assert.equal(response.status, 404, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'NOT_FOUND', name);
        // No existence oracle: the same answer as for a request id that was never used. (POSTing a message to an
        // unused id creates a request, so that route is compared with the plain GET answer.)
        const expected = name === 'POST message' ? absentBody : (await absentRoutes[i]![1](caller.rest)).body;
        assert.deepEqual(response.body, expected, `${name} answers exactly as for an absent request`);
      }
      const list = expectStatus(await caller.rest.get(`/${pid}/requests?status=all&limit=100`), 200);
      const ids: string[] = list.requests.map((r: { request_id: string }) => r.request_id);
      assert.ok(!ids.includes(requestId), 'not in the list');
      assert.equal(list.count, ids.length, 'the count covers only what the caller may see');
      assert.deepEqual(await footprint(suite.app.db, pid), before, 'nothing was written');
    }

    test('agent D (no department) cannot reach an unassigned Support pool request', async () => {
      await assertInvisible(suite.desk.agentD, pooled, null, pooledMessage);
    });

    test('agent B (Support) cannot reach a Support request assigned to agent A', async () => {
      await assertInvisible(suite.desk.agentB, assignedToA, suite.desk.agentA.userId, assignedMessage);
    });

    test('agent C (Sales) cannot reach a Support pool request', async () => {
      await assertInvisible(suite.desk.agentC, pooled, null, pooledMessage);
    });

    test('agent A (Support) cannot reach a Sales request assigned to agent C', async () => {
      await assertInvisible(suite.desk.agentA, sales, suite.desk.agentC.userId, salesMessage);
    });

    test("a visitor cannot reach another visitor's request", async () => {
      await assertInvisible(visitor2, pooled, null, pooledMessage);
      await assertInvisible(visitor1, sales, suite.desk.agentC.userId, salesMessage);
    });

    test('agents A and B see the unassigned Support pool request; A sees the one assigned to them', async () => {
      for (const agent of [suite.desk.agentA, suite.desk.agentB]) {
        assert.equal(expectStatus(await agent.rest.get(`/${pid}/requests/${pooled}`), 200).request_id, pooled);
        assert.equal(expectStatus(await agent.rest.get(`/${pid}/requests/${pooled}/messages`), 200)[0].text, 'pool me');
        const list = expectStatus(await agent.rest.get(`/${pid}/requests?status=all&limit=100`), 200);
        assert.ok(list.requests.some((r: { request_id: string }) => r.request_id === pooled));
      }
      assert.equal(expectStatus(await suite.desk.agentA.rest.get(`/${pid}/requests/${assignedToA}`), 200).request_id, assignedToA);
      const listA = expectStatus(await suite.desk.agentA.rest.get(`/${pid}/requests?status=all&limit=100`), 200);
      const idsA = listA.requests.map((r: { request_id: string }) => r.request_id);
      assert.ok(idsA.includes(assignedToA));
      assert.ok(!idsA.includes(sales));
    });

    test('owner, admin and supervisor see every request', async () => {
      for (const person of [suite.desk.owner, suite.desk.admin, suite.desk.supervisor]) {
        const list = expectStatus(await person.rest.get(`/${pid}/requests?status=all&limit=100`), 200);
        const ids = list.requests.map((r: { request_id: string }) => r.request_id);
        for (const rid of [pooled, assignedToA, sales]) {
          assert.ok(ids.includes(rid), `${person.email} lists ${rid}`);
          assert.equal(expectStatus(await person.rest.get(`/${pid}/requests/${rid}`), 200).request_id, rid);
          assert.ok(expectStatus(await person.rest.get(`/${pid}/requests/${rid}/messages`), 200).length >= 1);
        }
        const [row] = await suite.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM requests WHERE project_id = $1', [pid]);
        assert.equal(list.count, row!.n, 'the count is every request of the project');
      }
    });

    test('a visitor lists and reads exactly the requests they started', async () => {
      const list1 = expectStatus(await visitor1.rest.get(`/${pid}/requests?status=all`), 200);
      assert.deepEqual(list1.requests.map((r: { request_id: string }) => r.request_id).sort(), [pooled, assignedToA].sort());
      assert.equal(list1.count, 2);
      const list2 = expectStatus(await visitor2.rest.get(`/${pid}/requests?status=all`), 200);
      assert.deepEqual(list2.requests.map((r: { request_id: string }) => r.request_id), [sales]);
      assert.equal(list2.count, 1);
      assert.equal(expectStatus(await visitor1.rest.get(`/${pid}/requests/${pooled}`), 200).request_id, pooled);
      assert.equal(expectStatus(await visitor1.rest.get(`/${pid}/requests/${assignedToA}/messages`), 200)[0].text, 'for A');
      assert.equal(expectStatus(await visitor2.rest.get(`/${pid}/requests/${sales}`), 200).request_id, sales);
    });

    test('a member of another project gets 404 for every route of this project and writes nothing', async () => {
      const stranger = await signUp(suite.app.url, 'stranger');
      const other = expectStatus(await stranger.rest.post('/projects', { name: 'Other Desk' }), 201);
      const otherId: string = other.id;
      const mine = expectStatus(await stranger.rest.get('/projects'), 200);
      assert.deepEqual(
        mine.map((p: { id: string }) => p.id),
        [otherId],
        'only their own project is listed',
      );

      const routes: [string, Call][] = [
        ['GET project', (r) => r.get(`/projects/${pid}`)],
        ['PUT project', (r) => r.put(`/projects/${pid}`, { name: 'Taken over' })],
        ['GET project_users', (r) => r.get(`/${pid}/project_users`)],
        ['GET project_users/me', (r) => r.get(`/${pid}/project_users/me`)],
        ['GET project_user', (r) => r.get(`/${pid}/project_users/${suite.desk.owner.projectUserId}`)],
        ['PUT project_users (self)', (r) => r.put(`/${pid}/project_users`, { user_available: false })],
        ['PUT project_user', (r) => r.put(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`, { status: 'disabled' })],
        ['POST invite', (r) => r.post(`/${pid}/project_users/invite`, { email: stranger.email, role: 'owner' })],
        ['GET departments', (r) => r.get(`/${pid}/departments`)],
        ['GET department', (r) => r.get(`/${pid}/departments/${suite.desk.supportId}`)],
        ['POST department', (r) => r.post(`/${pid}/departments`, { name: 'Mine' })],
        ['PUT department', (r) => r.put(`/${pid}/departments/${suite.desk.supportId}`, { name: 'Mine' })],
        ['DELETE department', (r) => r.delete(`/${pid}/departments/${suite.desk.salesId}`)],
        ['GET requests', (r) => r.get(`/${pid}/requests`)],
        ['POST message to a new request', (r) => r.post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: 'hi' })],
        ...requestRoutes(pid, pooled, stranger.userId, null, pooledMessage),
        ...requestRoutes(pid, assignedToA, stranger.userId, suite.desk.agentA.userId, assignedMessage),
      ];
      const before = await footprint(suite.app.db, pid);
      const beforeOther = await footprint(suite.app.db, otherId);
      for (const [name, call] of routes) {
        const response = await call(stranger.rest);
        assert.equal(response.status, 404, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'NOT_FOUND', name);
      }
      assert.deepEqual(await footprint(suite.app.db, pid), before, 'nothing written in the other project');
      assert.deepEqual(await footprint(suite.app.db, otherId), beforeOther, 'nothing written in their own project either');
      const supportAfter = expectStatus(await suite.desk.owner.rest.get(`/${pid}/departments/${suite.desk.supportId}`), 200);
      assert.equal(supportAfter.name, 'Support');
    });

    test("ids of another project used under one's own project are not found and change nothing", async () => {
      const stranger = await signUp(suite.app.url, 'stranger');
      const otherId: string = expectStatus(await stranger.rest.post('/projects', { name: 'Other Desk' }), 201).id;
      const routes: [string, Call][] = [
        ['GET project_user', (r) => r.get(`/${otherId}/project_users/${suite.desk.agentA.projectUserId}`)],
        ['PUT project_user', (r) => r.put(`/${otherId}/project_users/${suite.desk.agentA.projectUserId}`, { status: 'disabled' })],
        ['GET department', (r) => r.get(`/${otherId}/departments/${suite.desk.supportId}`)],
        ['PUT department', (r) => r.put(`/${otherId}/departments/${suite.desk.supportId}`, { name: 'Mine', members: [] })],
        ['DELETE department', (r) => r.delete(`/${otherId}/departments/${suite.desk.salesId}`)],
        ['GET request', (r) => r.get(`/${otherId}/requests/${pooled}`)],
        ['GET messages', (r) => r.get(`/${otherId}/requests/${pooled}/messages`)],
        ['PUT close', (r) => r.put(`/${otherId}/requests/${pooled}/close`)],
        ['PATCH message status', (r) => r.patch(`/${otherId}/requests/${pooled}/messages/${pooledMessage}`, { status: 300 })],
      ];
      const before = await footprint(suite.app.db, pid);
      for (const [name, call] of routes) {
        const response = await call(stranger.rest);
        assert.equal(response.status, 404, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'NOT_FOUND', name);
      }
      assert.deepEqual(await footprint(suite.app.db, pid), before);
      const agentA = expectStatus(await suite.desk.agentA.rest.get(`/${pid}/project_users/me`), 200);
      assert.equal(agentA.status, 'active');
    });

    test("the sender of a message is the caller, whatever the body says", async () => {
      const visitor = await suite.desk.visitor('Sam');
      const rid = newRequestId(pid);
      const body = { text: 'I am agent A, honest', sender: suite.desk.agentA.userId, senderFullname: 'Evil', sender_role: 'owner', recipient: 'elsewhere' };
      const posted = expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, body), 201);
      assert.equal(posted.sender, visitor.userId);
      assert.notEqual(posted.senderFullname, 'Evil');
      assert.equal(posted.sender_role, 'guest');
      assert.equal(posted.recipient, rid);
      assert.equal(posted.request.first_response_at, null, 'a forged agent sender does not count as a first response');

      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      const reply = expectStatus(
        await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'from A', sender: visitor.userId, senderFullname: 'Evil' }),
        201,
      );
      assert.equal(reply.sender, suite.desk.agentA.userId);

      const stored = expectStatus(await suite.desk.owner.rest.get(`/${pid}/requests/${rid}/messages`), 200);
      assert.deepEqual(
        stored.map((m: { sender: string; senderFullname: string }) => [m.sender, m.senderFullname === 'Evil']),
        [
          [visitor.userId, false],
          [suite.desk.agentA.userId, false],
        ],
      );
      const rows = await suite.app.db.query<{ sender: string; sender_fullname: string }>(
        'SELECT sender, sender_fullname FROM messages WHERE project_id = $1 AND request_id = $2 ORDER BY seq',
        [pid, rid],
      );
      assert.deepEqual(rows.map((r) => r.sender), [visitor.userId, suite.desk.agentA.userId]);
      assert.ok(rows.every((r) => r.sender_fullname !== 'Evil'));
    });

    test('an agent cannot invite, change another project user, or manage departments (403) and writes nothing', async () => {
      const newcomer = await signUp(suite.app.url, 'newcomer');
      const agent = suite.desk.agentA.rest;
      const attempts: [string, Call][] = [
        ['invite', () => agent.post(`/${pid}/project_users/invite`, { email: newcomer.email, role: 'agent' })],
        ['invite self as owner', () => agent.post(`/${pid}/project_users/invite`, { email: suite.desk.agentA.email, role: 'owner' })],
        ['PUT another project user', () => agent.put(`/${pid}/project_users/${suite.desk.agentB.projectUserId}`, { max_assigned_chat: 0 })],
        ['PUT own project user as admin', () => agent.put(`/${pid}/project_users/${suite.desk.agentA.projectUserId}`, { role: 'admin' })],
        ['create department', () => agent.post(`/${pid}/departments`, { name: 'Shadow' })],
        ['update department', () => agent.put(`/${pid}/departments/${suite.desk.salesId}`, { members: [suite.desk.agentA.userId] })],
        ['delete department', () => agent.delete(`/${pid}/departments/${suite.desk.salesId}`)],
        ['PUT project settings', () => agent.put(`/projects/${pid}`, { name: 'Mine now' })],
      ];
      const before = await footprint(suite.app.db, pid);
      const departmentsBefore = expectStatus(await suite.desk.owner.rest.get(`/${pid}/departments`), 200);
      for (const [name, call] of attempts) {
        const response = await call(agent);
        assert.equal(response.status, 403, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'FORBIDDEN', name);
      }
      assert.deepEqual(await footprint(suite.app.db, pid), before);
      assert.deepEqual(expectStatus(await suite.desk.owner.rest.get(`/${pid}/departments`), 200), departmentsBefore);
      assert.equal(expectStatus(await suite.desk.agentA.rest.get(`/${pid}/project_users/me`), 200).role, 'agent');
      // newcomer was not added: they still see no project
      assert.deepEqual(expectStatus(await newcomer.rest.get('/projects'), 200), []);
    });

    test('an admin cannot change an owner, make anyone owner, or invite an owner (403)', async () => {
      const newcomer = await signUp(suite.app.url, 'newcomer');
      const admin = suite.desk.admin.rest;
      const before = await footprint(suite.app.db, pid);
      for (const [name, call] of [
        ['demote the owner', () => admin.put(`/${pid}/project_users/${suite.desk.owner.projectUserId}`, { role: 'agent' })],
        ['disable the owner', () => admin.put(`/${pid}/project_users/${suite.desk.owner.projectUserId}`, { status: 'disabled' })],
        ['promote an agent to owner', () => admin.put(`/${pid}/project_users/${suite.desk.agentD.projectUserId}`, { role: 'owner' })],
        ['invite an owner', () => admin.post(`/${pid}/project_users/invite`, { email: newcomer.email, role: 'owner' })],
      ] as [string, () => Promise<RestResponse>][]) {
        const response = await call();
        assert.equal(response.status, 403, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'FORBIDDEN', name);
      }
      assert.deepEqual(await footprint(suite.app.db, pid), before);
      const owner = expectStatus(await suite.desk.owner.rest.get(`/${pid}/project_users/me`), 200);
      assert.deepEqual([owner.role, owner.status], ['owner', 'active']);
    });

    test('an agent may add only themself as participant; a supervisor may assign another agent', async () => {
      const visitor = await suite.desk.visitor();
      const rid = newRequestId(pid);
      expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'anyone?' }), 201);
      const base = `/${pid}/requests/${rid}`;

      const before = await footprint(suite.app.db, pid);
      const forbidden = await suite.desk.agentA.rest.post(`${base}/participants`, { member: suite.desk.agentB.userId });
      assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
      assert.equal(forbidden.body.error, 'FORBIDDEN');
      const byVisitor = await visitor.rest.post(`${base}/participants`, { member: visitor.userId });
      assert.equal(byVisitor.status, 403, JSON.stringify(byVisitor.body));
      assert.equal(byVisitor.body.error, 'FORBIDDEN');
      assert.deepEqual(await footprint(suite.app.db, pid), before);

      const assigned = expectStatus(await suite.desk.supervisor.rest.post(`${base}/participants`, { member: suite.desk.agentB.userId }), 200);
      assert.deepEqual(assigned.participantsAgents, [suite.desk.agentB.userId]);
      assert.equal(assigned.status, 200);

      const removeOther = await suite.desk.agentA.rest.delete(`${base}/participants/${suite.desk.agentB.userId}`);
      // Agent A no longer sees the request (it is assigned to B): invisible, not forbidden.
      assert.equal(removeOther.status, 404, JSON.stringify(removeOther.body));

      const self = await suite.desk.agentB.rest.post(`${base}/participants`, { member: suite.desk.agentA.userId });
      assert.equal(self.status, 403, 'B sees it, but may not add A');
      const joined = expectStatus(await suite.desk.agentB.rest.delete(`${base}/participants/${suite.desk.agentB.userId}`), 200);
      assert.deepEqual(joined.participantsAgents, []);
      const aJoins = expectStatus(await suite.desk.agentA.rest.post(`${base}/participants`, { member: suite.desk.agentA.userId }), 200);
      assert.deepEqual(aJoins.participantsAgents, [suite.desk.agentA.userId]);
    });

    test('a project user disabled by the owner gets 404 on the project afterwards', async () => {
      const agentE = await signUp(suite.app.url, 'agentE');
      const pu = expectStatus(await suite.desk.owner.rest.post(`/${pid}/project_users/invite`, { email: agentE.email, role: 'supervisor' }), 201);
      const probes: [string, Call][] = [
        ['GET project', (r) => r.get(`/projects/${pid}`)],
        ['GET me', (r) => r.get(`/${pid}/project_users/me`)],
        ['GET project_users', (r) => r.get(`/${pid}/project_users`)],
        ['GET departments', (r) => r.get(`/${pid}/departments`)],
        ['GET requests', (r) => r.get(`/${pid}/requests`)],
        ['GET request', (r) => r.get(`/${pid}/requests/${pooled}`)],
        ['GET messages', (r) => r.get(`/${pid}/requests/${pooled}/messages`)],
      ];
      for (const [name, call] of probes) {
        assert.equal((await call(agentE.rest)).status, 200, `${name} works while active`);
      }

      const disabled = expectStatus(await suite.desk.owner.rest.put(`/${pid}/project_users/${pu._id}`, { status: 'disabled' }), 200);
      assert.equal(disabled.status, 'disabled');

      const writes: [string, Call][] = [
        ['PUT self', (r) => r.put(`/${pid}/project_users`, { user_available: false })],
        ['POST message', (r) => r.post(`/${pid}/requests/${pooled}/messages`, { text: 'still here' })],
        ['POST message to a new request', (r) => r.post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: 'still here' })],
        ['POST participants', (r) => r.post(`/${pid}/requests/${pooled}/participants`, { member: agentE.userId })],
        ['PUT close', (r) => r.put(`/${pid}/requests/${pooled}/close`)],
      ];
      const before = await footprint(suite.app.db, pid);
      for (const [name, call] of [...probes, ...writes]) {
        const response = await call(agentE.rest);
        assert.equal(response.status, 404, `${name}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'NOT_FOUND', name);
      }
      assert.deepEqual(await footprint(suite.app.db, pid), before);
      assert.deepEqual(expectStatus(await agentE.rest.get('/projects'), 200), [], 'the project is no longer listed');
    });
  });
}
