/**
 * A visitor who writes to their closed request needs help again: the request reopens (back to open, routed as a new
 * request of its department would be, marked `reopened_at`/`reopened_by`) before the message lands, and every list
 * and subscriber sees it come back, in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { closeRequest, connect, post, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

for (const kind of storeKinds()) {
  describe(`a visitor's message reopens their closed request (${kind})`, () => {
    const world = useRealtimeDesk(kind);

    const requests = () => `/${world.d.projectId}/requests`;
    const about = (c: TestClient, rid: string): Frame[] =>
      c.publishes(requests()).filter((f) => !Array.isArray(f.payload.message) && f.payload.message?.request_id === rid);
    const load = async (who: Person) => expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/project_users/${who.projectUserId}`), 200).number_assigned_requests;

    test('pooled: back to 100 with no agent, listed again; the pool sees it come back before the message, in order', async () => {
      const visitor = await world.d.visitor('returning');
      const [a, b, c, admin] = await Promise.all([connect(world.h, world.d.agentA), connect(world.h, world.d.agentB), connect(world.h, world.d.agentC), connect(world.h, world.d.admin)]);
      for (const client of [a, b, c, admin]) await subscribed(client, requests());
      const rid = await startRequest(world.d, visitor, { text: 'help' });
      const messages = `/${world.d.projectId}/requests/${rid}/messages`;
      expectStatus(await world.d.agentA.rest.post(`/${world.d.projectId}/requests/${rid}/participants`, { member: world.d.agentA.userId }), 200);
      await post(world.d, world.d.agentA, rid, 'done, bye');
      await closeRequest(world.d, world.d.agentA, rid);
      assert.equal(await load(world.d.agentA), 0, 'closing gave agent A their slot back');
      await subscribed(admin, messages);
      const closedAt = Date.now();

      const answer = expectStatus(await visitor.rest.post(`/${world.d.projectId}/requests/${rid}/messages`, { text: 'it broke again' }), 201);
      const r = answer.request;
      assert.equal(r.status, 100, 'waiting in the pool again');
      assert.deepEqual(r.participantsAgents, [], 'routed again: pooled, so nobody yet');
      assert.equal(r.reopened_by, visitor.userId);
      assert.ok(Date.parse(r.reopened_at) >= closedAt - 1000, `reopened_at ${r.reopened_at}`);
      assert.deepEqual([r.closed_at, r.closed_by, r.duration], [null, null, null]);
      assert.equal(await load(world.d.agentA), 0, 'no load for an agent no longer on it');
      const listed = expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/requests`), 200).requests;
      assert.ok(listed.some((x: { request_id: string }) => x.request_id === rid), 'in the default list again');
      const history = expectStatus(await visitor.rest.get(`/${world.d.projectId}/requests/${rid}/messages`), 200);
      assert.deepEqual(history.map((m: { text: string }) => m.text), ['help', 'done, bye', 'it broke again'], 'nothing lost');

      const reopened = (f: Frame) => f.payload.message?.request_id === rid && f.payload.message?.status === 100 && f.payload.message?.reopened_at;
      const onAdmin = await admin.waitFor((f) => f.payload.topic === requests() && reopened(f), 'the reopened request on admin');
      const message = await admin.waitFor((f) => f.payload.topic === messages && f.payload.message?.text === 'it broke again', 'the message on admin');
      assert.equal(onAdmin.payload.method, 'UPDATE', 'admin saw it close: UPDATE');
      assert.ok(onAdmin.payload.seq! < message.payload.seq!, 'the request comes back before the message');
      const onA = await a.waitFor((f) => f.payload.topic === requests() && reopened(f), 'the reopened request on agent A');
      assert.equal(onA.payload.method, 'UPDATE', 'A saw it close and still sees it, now in the pool');
      const onB = await b.waitFor((f) => f.payload.topic === requests() && reopened(f), 'the reopened request on agent B');
      assert.equal(onB.payload.method, 'CREATE', 'B lost it to A and now sees it again: CREATE');
      assert.deepEqual(about(b, rid).map((f) => f.payload.method), ['CREATE', 'DELETE', 'CREATE'], 'B: pooled, taken by A, back');

      // C (Sales) never sees it; the barrier is a request of C's own department.
      const marker = await startRequest(world.d, visitor, { text: 'marker', departmentid: world.d.salesId });
      await c.waitFor((f) => f.payload.message?.request_id === marker, 'the marker on C');
      assert.deepEqual(about(c, rid), []);
      for (const client of [a, b, c, admin]) {
        assert.deepEqual(client.errors(), []);
        const seqs = client.frames.filter((f) => f.action === 'publish' && !Array.isArray(f.payload.message)).map((f) => f.payload.seq!);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
        await client.close();
      }
    });

    test('assigned routing: the available agent gets it again, with their load and a project-user event', async () => {
      const visitor = await world.d.visitor('sales again');
      const supervisor = await connect(world.h, world.d.supervisor);
      const agentC = await connect(world.h, world.d.agentC);
      await subscribed(supervisor, `/${world.d.projectId}/project_users`);
      await subscribed(agentC, requests());
      const base = await load(world.d.agentC);
      const rid = await startRequest(world.d, visitor, { text: 'a quote please', departmentid: world.d.salesId });
      assert.equal(await load(world.d.agentC), base + 1, 'the only Sales agent got it');
      await closeRequest(world.d, world.d.agentC, rid);
      assert.equal(await load(world.d.agentC), base);
      const from = supervisor.frames.length;

      const r = expectStatus(await visitor.rest.post(`/${world.d.projectId}/requests/${rid}/messages`, { text: 'one more question' }), 201).request;
      assert.equal(r.status, 200);
      assert.deepEqual(r.participantsAgents, [world.d.agentC.userId], 'the Sales department assigns it again');
      assert.equal(r.reopened_by, visitor.userId);
      assert.equal(await load(world.d.agentC), base + 1, 'counted in C’s load again');
      const back = await agentC.waitFor((f) => f.payload.topic === requests() && f.payload.message?.request_id === rid && f.payload.message?.status === 200 && f.payload.message?.reopened_at, 'the request back on C');
      assert.equal(back.payload.method, 'UPDATE');
      const loadEvent = await supervisor.waitFor(
        (f) => f.payload.message?._id === world.d.agentC.projectUserId && f.payload.message?.number_assigned_requests === base + 1,
        'C’s load, live',
        { from },
      );
      assert.equal(loadEvent.payload.method, 'UPDATE');
      await supervisor.close();
      await agentC.close();
    });

    test('a desk member writing to a closed request does not reopen it; PUT /reopen marks it as reopened too', async () => {
      const visitor = await world.d.visitor('quiet');
      const rid = await startRequest(world.d, visitor, { text: 'hi' });
      await closeRequest(world.d, world.d.agentA, rid);
      const note = expectStatus(await world.d.agentA.rest.post(`/${world.d.projectId}/requests/${rid}/messages`, { text: 'a note after closing' }), 201);
      assert.equal(note.request.status, 1000, 'still closed');
      assert.equal(note.request.reopened_at, null);
      const reopened = expectStatus(await world.d.supervisor.rest.put(`/${world.d.projectId}/requests/${rid}/reopen`), 200);
      assert.equal(reopened.status, 100);
      assert.equal(reopened.reopened_by, world.d.supervisor.userId);
      assert.equal(typeof reopened.reopened_at, 'string');
      // An open request a visitor writes to stays as it is: only a closed one reopens.
      const again = expectStatus(await visitor.rest.post(`/${world.d.projectId}/requests/${rid}/messages`, { text: 'thanks' }), 201).request;
      assert.deepEqual([again.status, again.reopened_by, again.reopened_at], [100, world.d.supervisor.userId, reopened.reopened_at]);
    });
  });
}
