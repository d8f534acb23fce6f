import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDesk, newRequestId, type Desk, type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useApp } from '../support/use-app.js';

/**
 * Routing (issue 2, item 8) and the load/busy facts of project users (item 4), driven through REST as people
 * would. Every test gets a fresh desk so loads, availability and settings do not leak between tests.
 */
for (const kind of storeKinds()) {
  describe(`routing (${kind})`, { concurrency: true }, () => {
    const suite = useApp(kind);

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A new `assigned` department with these members, created by the owner. */
    async function assignedDepartment(desk: Desk, name: string, members: Person[]): Promise<string> {
      const dep = expectStatus(
        await desk.owner.rest.post(`/${desk.projectId}/departments`, { name, routing: 'assigned', members: members.map((m) => m.userId) }),
        201,
      );
      assert.equal(dep.routing, 'assigned');
      return dep.id;
    }

    /** A desk of its own, a visitor on it, and its assigned department "Round" of agents C and D. */
    async function roundDesk(visitorName: string): Promise<{ desk: Desk; visitor: Person; dep: string }> {
      const desk = await createDesk(suite.app.url);
      const visitor = await desk.visitor(visitorName);
      const dep = await assignedDepartment(desk, 'Round', [desk.agentC, desk.agentD]);
      return { desk, visitor, dep };
    }

    /** A visitor opens a new request (in `departmentid`, or the default department); returns the created request. */
    async function visitorRequest(desk: Desk, visitor: Person, departmentid?: string): Promise<any> {
      const rid = newRequestId(desk.projectId);
      const body = departmentid ? { text: 'Hello?', departmentid } : { text: 'Hello?' };
      const first = expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, body), 201);
      assert.equal(first.request.request_id, rid);
      return first.request;
    }

    /** A desk member opens a request themself, so they take part in it (their load goes up by one). */
    async function memberOpens(desk: Desk, member: Person): Promise<string> {
      const rid = newRequestId(desk.projectId);
      const first = expectStatus(await member.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'Opening one myself' }), 201);
      assert.deepEqual(first.request.participantsAgents, [member.userId]);
      return rid;
    }

    async function me(desk: Desk, person: Person): Promise<any> {
      return expectStatus(await person.rest.get(`/${desk.projectId}/project_users/me`), 200);
    }

    async function load(desk: Desk, person: Person): Promise<number> {
      return (await me(desk, person)).number_assigned_requests;
    }

    /** The project users as GET /:pid/project_users shows them to `viewer`, by user id. */
    async function listed(desk: Desk, viewer: Person): Promise<Map<string, any>> {
      const all = expectStatus(await viewer.rest.get(`/${desk.projectId}/project_users`), 200) as any[];
      return new Map(all.map((pu) => [pu.uuid_user, pu]));
    }

    async function setSettings(desk: Desk, settings: Record<string, unknown>): Promise<void> {
      const project = expectStatus(await desk.owner.rest.put(`/projects/${desk.projectId}`, { settings }), 200);
      for (const [k, v] of Object.entries(settings)) assert.equal(project.settings[k], v);
    }

    /** The one agent a routed request went to (asserting it was assigned). */
    function assigneeOf(request: any): string {
      assert.equal(request.status, 200, `expected an assigned request, got status ${request.status}`);
      assert.equal(request.participantsAgents.length, 1);
      assert.ok(request.assigned_at, 'an assigned request has assigned_at');
      return request.participantsAgents[0];
    }

    function assertWaiting(request: any): void {
      assert.equal(request.status, 100, 'nobody can take it: the request waits');
      assert.deepEqual(request.participantsAgents, []);
      assert.deepEqual(request.participants, []);
      assert.equal(request.assigned_at, null);
    }

    /** The stored counter of every desk member equals the number of open requests they take part in. */
    async function assertLoadsMatchRequests(desk: Desk): Promise<void> {
      const rows = await suite.app.db.query<{ user_id: string; stored: number; open: number }>(
        `SELECT pu.user_id, pu.number_assigned_requests AS stored,
                (SELECT count(*)::int FROM requests r
                  WHERE r.project_id = pu.project_id AND r.status <> 1000 AND pu.user_id = ANY(r.participants_agents)) AS open
           FROM project_users pu
          WHERE pu.project_id = $1 AND pu.role IN ('owner', 'admin', 'supervisor', 'agent')`,
        [desk.projectId],
      );
      assert.ok(rows.length >= 7);
      for (const row of rows) assert.equal(Number(row.stored), Number(row.open), `stored load of ${row.user_id} matches its open requests`);
    }

    async function projectSeq(desk: Desk): Promise<number> {
      return Number(expectStatus(await desk.owner.rest.get(`/projects/${desk.projectId}`), 200).seq);
    }

    async function projectUserEventsSince(desk: Desk, seq: number): Promise<{ method: string; data: any }[]> {
      const rows = await suite.app.db.query<{ kind: string; method: string; data: any }>(
        'SELECT kind, method, data FROM events WHERE project_id = $1 AND seq > $2 ORDER BY seq',
        [desk.projectId, seq],
      );
      return rows
        .filter((e) => e.kind === 'project_user')
        .map((e) => ({ method: e.method, data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data }));
    }

    // ---- assigned departments ------------------------------------------------------------------------------

    test('assigned department: the least loaded available agent gets the request, whoever that is', async () => {
      const { desk, visitor, dep } = await roundDesk('Lea');

      await memberOpens(desk, desk.agentC);
      assert.equal(await load(desk, desk.agentC), 1);
      assert.equal(await load(desk, desk.agentD), 0);

      const first = await visitorRequest(desk, visitor, dep);
      assert.equal(assigneeOf(first), desk.agentD.userId, 'C has one open request, D none: D gets it');
      assert.equal(first.department.id, dep);
      assert.equal(await load(desk, desk.agentD), 1);

      // Now load D more than C: the next one must go to C (routing follows load, not a fixed order).
      await memberOpens(desk, desk.agentD);
      assert.equal(await load(desk, desk.agentD), 2);
      const second = await visitorRequest(desk, visitor, dep);
      assert.equal(assigneeOf(second), desk.agentC.userId, 'D has two, C one: C gets it');
      assert.equal(await load(desk, desk.agentC), 2);
      await assertLoadsMatchRequests(desk);
    });

    test('assigned department: with equal loads, consecutive requests alternate between the agents (round-robin)', async () => {
      const { desk, visitor, dep } = await roundDesk('Rob');
      const people = new Map([desk.agentC, desk.agentD].map((p) => [p.userId, p]));

      const assignees: string[] = [];
      for (let i = 0; i < 4; i++) {
        // Loads are equal before every request, so only the tie-break decides.
        assert.equal(await load(desk, desk.agentC), await load(desk, desk.agentD), 'loads are equal before the request');
        const request = await visitorRequest(desk, visitor, dep);
        const assignee = assigneeOf(request);
        assignees.push(assignee);
        const agent = people.get(assignee);
        assert.ok(agent, 'the request went to a member of the department');
        expectStatus(await agent.rest.put(`/${desk.projectId}/requests/${request.request_id}/close`), 200);
      }
      for (let i = 1; i < assignees.length; i++) {
        assert.notEqual(assignees[i], assignees[i - 1], `request ${i + 1} goes to the other agent: ${assignees.join(', ')}`);
      }
      assert.deepEqual(new Set(assignees), new Set(people.keys()));
      await assertLoadsMatchRequests(desk);
    });

    test('unavailable and disabled agents are skipped; with nobody available the request waits at 100', async () => {
      const { desk, visitor, dep } = await roundDesk('Ada');

      // D goes unavailable: although less loaded, D is skipped.
      const away = expectStatus(await desk.agentD.rest.put(`/${desk.projectId}/project_users`, { user_available: false }), 200);
      assert.equal(away.user_available, false);
      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), desk.agentC.userId);
      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), desk.agentC.userId, 'C (load 1) rather than unavailable D (load 0)');
      assert.equal(await load(desk, desk.agentC), 2);
      assert.equal(await load(desk, desk.agentD), 0);

      // D is available again but disabled by the owner: still skipped.
      expectStatus(await desk.agentD.rest.put(`/${desk.projectId}/project_users`, { user_available: true }), 200);
      const disabled = expectStatus(await desk.owner.rest.put(`/${desk.projectId}/project_users/${desk.agentD.projectUserId}`, { status: 'disabled' }), 200);
      assert.equal(disabled.status, 'disabled');
      assert.equal(disabled.user_available, true);
      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), desk.agentC.userId, 'C (load 2) rather than disabled D (load 0)');

      // C goes unavailable too: nobody is left.
      expectStatus(await desk.agentC.rest.put(`/${desk.projectId}/project_users`, { user_available: false }), 200);
      const waiting = await visitorRequest(desk, visitor, dep);
      assertWaiting(waiting);
      const stored = await suite.app.db.query<{ status: number; participants_agents: string[] }>(
        'SELECT status, participants_agents FROM requests WHERE project_id = $1 AND request_id = $2',
        [desk.projectId, waiting.request_id],
      );
      assert.equal(stored[0]!.status, 100);
      assert.deepEqual(stored[0]!.participants_agents, []);
      assert.equal(await load(desk, desk.agentC), 3, 'a waiting request adds to nobody');
      await assertLoadsMatchRequests(desk);
    });

    // ---- the busy rule -------------------------------------------------------------------------------------

    test('busy rule: isBusy in project_users/me and project_users, routing skips busy agents, per-agent limit overrides, limit off means nobody is busy', async () => {
      const { desk, visitor, dep } = await roundDesk('Bea');
      const people = new Map([desk.agentC, desk.agentD].map((p) => [p.userId, p]));

      await setSettings(desk, { chat_limit_on: true, max_agent_assigned_chat: 1 });
      assert.equal((await me(desk, desk.agentC)).isBusy, false);
      assert.equal((await me(desk, desk.agentD)).isBusy, false);

      const x = people.get(assigneeOf(await visitorRequest(desk, visitor, dep)))!;
      const y = x === desk.agentC ? desk.agentD : desk.agentC;
      const xMe = await me(desk, x);
      assert.equal(xMe.number_assigned_requests, 1);
      assert.equal(xMe.isBusy, true, 'one open assignment reaches the limit of 1');
      assert.equal((await me(desk, y)).isBusy, false);
      for (const viewer of [desk.owner, desk.agentA]) {
        const list = await listed(desk, viewer);
        assert.equal(list.get(x.userId).isBusy, true, 'GET /project_users shows the busy agent as busy');
        assert.equal(list.get(y.userId).isBusy, false);
      }

      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), y.userId);
      assert.equal((await me(desk, y)).isBusy, true);
      assertWaiting(await visitorRequest(desk, visitor, dep));
      assert.equal(await load(desk, x), 1);
      assert.equal(await load(desk, y), 1);

      // X's own limit of 3 overrides the project's 1: the request that waited goes to X at once (re-routing).
      const raised = expectStatus(await desk.owner.rest.put(`/${desk.projectId}/project_users/${x.projectUserId}`, { max_assigned_chat: 3 }), 200);
      assert.equal(raised.max_assigned_chat, 3);
      assert.equal(raised.number_assigned_requests, 2, 'the waiting request was routed to X, who now has a free slot');
      assert.equal(raised.isBusy, false);
      assert.equal((await me(desk, x)).isBusy, false);
      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), x.userId, 'X (load 2, limit 3) rather than busy Y (load 1, limit 1)');
      const full = await me(desk, x);
      assert.equal(full.number_assigned_requests, 3);
      assert.equal(full.isBusy, true);
      assertWaiting(await visitorRequest(desk, visitor, dep));

      // A per-agent limit can also be lower than the project's. Raising the project's gives Y the request that waited.
      await setSettings(desk, { max_agent_assigned_chat: 10 });
      assert.equal((await me(desk, y)).isBusy, false);
      assert.equal(await load(desk, y), 2, 'the waiting request went to Y, now below the higher limit');
      expectStatus(await desk.owner.rest.put(`/${desk.projectId}/project_users/${y.projectUserId}`, { max_assigned_chat: 1 }), 200);
      assert.equal((await me(desk, y)).isBusy, true, "Y's own limit of 1 overrides the project's 10");

      // With the limit off nobody is busy and routing takes anyone again.
      await setSettings(desk, { chat_limit_on: false });
      for (const pu of (await listed(desk, desk.owner)).values()) assert.equal(pu.isBusy, false, `${pu.uuid_user} is not busy`);
      assert.equal((await me(desk, x)).isBusy, false);
      assert.equal(assigneeOf(await visitorRequest(desk, visitor, dep)), y.userId, 'limit off: least loaded Y gets it despite its limit of 1');
      assert.equal(await load(desk, y), 3);
      await assertLoadsMatchRequests(desk);
    });

    // ---- the load counter ----------------------------------------------------------------------------------

    test('number_assigned_requests: +1 on join, -1 on leave and close, +1 on reopen, never negative; the last agent leaving puts it back to 100', async () => {
      const desk = await createDesk(suite.app.url);
      const visitor = await desk.visitor('Nia');
      const { agentA: a, agentB: b } = desk;
      const base = `/${desk.projectId}/requests`;

      const rid = (await visitorRequest(desk, visitor)).request_id as string;
      assert.equal(await load(desk, a), 0);

      expectStatus(await a.rest.post(`${base}/${rid}/participants`, { member: a.userId }), 200);
      assert.equal(await load(desk, a), 1, 'join: +1');
      // Once A took it, B no longer sees it in the pool: the supervisor assigns B.
      expectStatus(await desk.supervisor.rest.post(`${base}/${rid}/participants`, { member: b.userId }), 200);
      assert.equal(await load(desk, b), 1, 'assign: +1');
      expectStatus(await a.rest.post(`${base}/${rid}/participants`, { member: a.userId }), 200);
      assert.equal(await load(desk, a), 1, 'joining twice counts once');

      const afterLeave = expectStatus(await a.rest.delete(`${base}/${rid}/participants/${a.userId}`), 200);
      assert.equal(await load(desk, a), 0, 'leave: -1');
      assert.equal(afterLeave.status, 200, 'B is still on it');
      assert.deepEqual(afterLeave.participantsAgents, [b.userId]);

      const closed = expectStatus(await b.rest.put(`${base}/${rid}/close`), 200);
      assert.equal(closed.status, 1000);
      assert.equal(await load(desk, b), 0, 'close: -1');
      expectStatus(await b.rest.put(`${base}/${rid}/close`), 200);
      assert.equal(await load(desk, b), 0, 'closing a closed request changes nothing');

      const reopened = expectStatus(await b.rest.put(`${base}/${rid}/reopen`), 200);
      assert.equal(reopened.status, 200);
      assert.equal(await load(desk, b), 1, 'reopen: +1');
      await assertLoadsMatchRequests(desk);

      const empty = expectStatus(await b.rest.delete(`${base}/${rid}/participants/${b.userId}`), 200);
      assert.equal(await load(desk, b), 0);
      assert.equal(empty.status, 100, 'no agent left: back to the pool');
      assert.deepEqual(empty.participantsAgents, []);

      // Leaving what one is not part of fails and takes nothing off.
      assert.equal((await a.rest.delete(`${base}/${rid}/participants/${a.userId}`)).status, 404);
      assert.equal(await load(desk, a), 0);

      // Leaving a closed request takes nothing off (its close already did); reopening it then counts nobody.
      // A keeps one other open request, so a second decrement could not hide behind the floor of zero.
      const other = await memberOpens(desk, a);
      assert.equal(await load(desk, a), 1, 'opening a request oneself: +1');
      expectStatus(await a.rest.post(`${base}/${rid}/participants`, { member: a.userId }), 200);
      assert.equal(await load(desk, a), 2);
      expectStatus(await a.rest.put(`${base}/${rid}/close`), 200);
      assert.equal(await load(desk, a), 1);
      const leftClosed = expectStatus(await desk.supervisor.rest.delete(`${base}/${rid}/participants/${a.userId}`), 200);
      assert.equal(leftClosed.status, 1000);
      assert.equal(await load(desk, a), 1, 'leaving a closed request does not count its close twice');
      const reopenedEmpty = expectStatus(await desk.supervisor.rest.put(`${base}/${rid}/reopen`), 200);
      assert.equal(reopenedEmpty.status, 100);
      assert.equal(await load(desk, a), 1);
      expectStatus(await a.rest.put(`${base}/${other}/close`), 200);
      assert.equal(await load(desk, a), 0);
      await assertLoadsMatchRequests(desk);

      // A supervisor assigning and unassigning an agent moves that agent's load.
      expectStatus(await desk.supervisor.rest.post(`${base}/${rid}/participants`, { member: a.userId }), 200);
      assert.equal(await load(desk, a), 1);
      const unassigned = expectStatus(await desk.supervisor.rest.delete(`${base}/${rid}/participants/${a.userId}`), 200);
      assert.equal(unassigned.status, 100);
      assert.equal(await load(desk, a), 0);

      const stored = await suite.app.db.query<{ n: number }>(
        'SELECT min(number_assigned_requests)::int AS n FROM project_users WHERE project_id = $1',
        [desk.projectId],
      );
      assert.ok(Number(stored[0]!.n) >= 0);
      await assertLoadsMatchRequests(desk);
    });

    // ---- pooled departments --------------------------------------------------------------------------------

    test('pooled department: the request waits unassigned, visible to the pool (A) but not to D, until A joins', async () => {
      const desk = await createDesk(suite.app.url);
      const visitor = await desk.visitor('Pia');
      const request = await visitorRequest(desk, visitor);
      const rid = request.request_id as string;
      assert.equal(request.department.id, desk.supportId);
      assert.equal(request.department.routing, 'pooled');
      assertWaiting(request);
      for (const p of [desk.agentA, desk.agentB, desk.agentC, desk.agentD]) assert.equal(await load(desk, p), 0, 'nobody is assigned');

      const path = `/${desk.projectId}/requests/${rid}`;
      const ids = async (p: Person) =>
        (expectStatus(await p.rest.get(`/${desk.projectId}/requests?limit=100`), 200).requests as any[]).map((r) => r.request_id);
      assert.equal(expectStatus(await desk.agentA.rest.get(path), 200).status, 100);
      assert.ok((await ids(desk.agentA)).includes(rid), 'A sees it in the list');
      assert.equal((await desk.agentD.rest.get(path)).status, 404, 'D is in no department: 404');
      assert.ok(!(await ids(desk.agentD)).includes(rid));
      assert.equal((await desk.agentC.rest.get(path)).status, 404, 'C is in another department: 404');
      assert.equal((await desk.agentD.rest.post(`${path}/participants`, { member: desk.agentD.userId })).status, 404, 'D cannot join what it cannot see');

      const joined = expectStatus(await desk.agentA.rest.post(`${path}/participants`, { member: desk.agentA.userId }), 200);
      assert.equal(joined.status, 200);
      assert.deepEqual(joined.participantsAgents, [desk.agentA.userId]);
      assert.ok(joined.assigned_at, 'assigned_at is set when A joins');
      assert.equal(expectStatus(await desk.agentA.rest.get(path), 200).status, 200);
      assert.equal((await desk.agentD.rest.get(path)).status, 404, 'D still cannot see it');
      assert.equal((await desk.agentB.rest.get(path)).status, 404, 'once taken it leaves the pool: B no longer sees it');
      assert.equal(await load(desk, desk.agentA), 1);
      await assertLoadsMatchRequests(desk);
    });

    // ---- project_user events -------------------------------------------------------------------------------

    test('outbox: an assignment appends a project_user UPDATE with the new load and isBusy', async () => {
      const desk = await createDesk(suite.app.url);
      const visitor = await desk.visitor('Eve');
      await setSettings(desk, { chat_limit_on: true, max_agent_assigned_chat: 1 });

      let seq = await projectSeq(desk);
      const request = await visitorRequest(desk, visitor, desk.salesId);
      assert.equal(assigneeOf(request), desk.agentC.userId, 'C is alone in Sales');
      let events = await projectUserEventsSince(desk, seq);
      assert.equal(events.length, 1, 'one project_user event: the assignee');
      assert.equal(events[0]!.method, 'UPDATE');
      assert.equal(events[0]!.data._id, desk.agentC.projectUserId);
      assert.equal(events[0]!.data.uuid_user, desk.agentC.userId);
      assert.equal(events[0]!.data.number_assigned_requests, 1);
      assert.equal(events[0]!.data.isBusy, true);

      seq = await projectSeq(desk);
      expectStatus(await desk.agentC.rest.put(`/${desk.projectId}/requests/${request.request_id}/close`), 200);
      events = await projectUserEventsSince(desk, seq);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.method, 'UPDATE');
      assert.equal(events[0]!.data.uuid_user, desk.agentC.userId);
      assert.equal(events[0]!.data.number_assigned_requests, 0);
      assert.equal(events[0]!.data.isBusy, false);

      seq = await projectSeq(desk);
      expectStatus(await desk.agentA.rest.post(`/${desk.projectId}/requests/${(await visitorRequest(desk, visitor)).request_id}/participants`, { member: desk.agentA.userId }), 200);
      events = await projectUserEventsSince(desk, seq);
      assert.equal(events.length, 1, 'joining a pooled request: one project_user event');
      assert.equal(events[0]!.data.uuid_user, desk.agentA.userId);
      assert.equal(events[0]!.data.number_assigned_requests, 1);
      assert.equal(events[0]!.data.isBusy, true);
    });

    test("outbox: changing a department's members appends a project_user UPDATE for each agent added or removed, with the new departments", async () => {
      const desk = await createDesk(suite.app.url);
      const sorted = (xs: string[]) => [...xs].sort();

      let seq = await projectSeq(desk);
      const dep = await assignedDepartment(desk, 'Round', [desk.agentC, desk.agentD]);
      let events = await projectUserEventsSince(desk, seq);
      assert.deepEqual(sorted(events.map((e) => e.data.uuid_user)), sorted([desk.agentC.userId, desk.agentD.userId]));
      const byUser = (list: typeof events) => new Map(list.map((e) => [e.data.uuid_user as string, e]));
      let got = byUser(events);
      assert.deepEqual(sorted(got.get(desk.agentC.userId)!.data.departments), sorted([desk.salesId, dep]));
      assert.deepEqual(got.get(desk.agentD.userId)!.data.departments, [dep]);
      for (const e of events) assert.equal(e.method, 'UPDATE');

      // C out, A in, D stays: events for C and A only.
      seq = await projectSeq(desk);
      expectStatus(await desk.owner.rest.put(`/${desk.projectId}/departments/${dep}`, { members: [desk.agentD.userId, desk.agentA.userId] }), 200);
      events = await projectUserEventsSince(desk, seq);
      assert.deepEqual(sorted(events.map((e) => e.data.uuid_user)), sorted([desk.agentC.userId, desk.agentA.userId]), 'no event for D, whose membership did not change');
      for (const e of events) assert.equal(e.method, 'UPDATE');
      got = byUser(events);
      assert.deepEqual(got.get(desk.agentC.userId)!.data.departments, [desk.salesId]);
      assert.deepEqual(sorted(got.get(desk.agentA.userId)!.data.departments), sorted([desk.supportId, dep]));

      // The REST view agrees with the events.
      assert.deepEqual((await me(desk, desk.agentC)).departments, [desk.salesId]);
      assert.deepEqual(sorted((await me(desk, desk.agentA)).departments), sorted([desk.supportId, dep]));

      // Setting the same members again changes nobody.
      seq = await projectSeq(desk);
      expectStatus(await desk.owner.rest.put(`/${desk.projectId}/departments/${dep}`, { members: [desk.agentA.userId, desk.agentD.userId] }), 200);
      assert.deepEqual(await projectUserEventsSince(desk, seq), []);
    });
  });
}
