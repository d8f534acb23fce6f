import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

for (const kind of storeKinds()) {
  describe(`REST story (${kind})`, () => {
    let app: TestApp;
    let desk: Desk;
    before(async () => {
      app = await startTestApp(kind);
      desk = await createDesk(app.url);
    });
    after(() => app.closeAll());

    test('visitor message → pooled routing → agent joins and replies → close, one event per change, consecutive seq', async () => {
      const visitor = await desk.visitor('Vera');
      const rid = newRequestId(desk.projectId);
      const seqBefore = expectStatus(await desk.owner.rest.get(`/projects/${desk.projectId}`), 200).seq;

      const first = expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'Hello, I need help' }), 201);
      assert.equal(first.sender, visitor.userId);
      assert.equal(first.request.status, 100, 'the default department is pooled: the request waits');
      assert.deepEqual(first.request.participantsAgents, []);
      assert.equal(first.request.first_text, 'Hello, I need help');
      assert.equal(first.request.department.name, 'Support');

      const joined = expectStatus(await desk.agentA.rest.post(`/${desk.projectId}/requests/${rid}/participants`, { member: desk.agentA.userId }), 200);
      assert.equal(joined.status, 200);
      assert.deepEqual(joined.participantsAgents, [desk.agentA.userId]);
      assert.ok(joined.assigned_at);

      const reply = expectStatus(await desk.agentA.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'Hi Vera!' }), 201);
      assert.equal(reply.request.first_response_at !== null, true);
      assert.equal(typeof reply.request.waiting_time, 'number');
      assert.ok(reply.request.waiting_time >= 0);

      const closed = expectStatus(await desk.agentA.rest.put(`/${desk.projectId}/requests/${rid}/close`), 200);
      assert.equal(closed.status, 1000);
      assert.equal(closed.closed_by, desk.agentA.userId);
      assert.ok(closed.closed_at);
      assert.equal(typeof closed.duration, 'number');

      const events = await app.db.query<{ seq: number; kind: string; method: string; entity_id: string }>(
        'SELECT seq, kind, method, entity_id FROM events WHERE project_id = $1 AND seq > $2 ORDER BY seq',
        [desk.projectId, seqBefore],
      );
      const story = events.map((e) => `${e.kind}:${e.method}`);
      assert.deepEqual(story, [
        'request:CREATE', // the visitor's first message creates the request…
        'message:CREATE', // …and the message itself
        'request:UPDATE', // agent A joins
        'project_user:UPDATE', // agent A's load goes up
        'message:CREATE', // agent A replies
        'request:UPDATE', // first response sets waiting_time
        'request:UPDATE', // close
        'project_user:UPDATE', // agent A's load goes down
      ]);
      assert.deepEqual(
        events.map((e) => Number(e.seq)),
        events.map((_, i) => seqBefore + 1 + i),
        'seq values are consecutive',
      );
      const pu = expectStatus(await desk.agentA.rest.get(`/${desk.projectId}/project_users/me`), 200);
      assert.equal(pu.number_assigned_requests, 0);
    });

    test('an assigned department gives the request to the least loaded available agent at once', async () => {
      const visitor = await desk.visitor();
      const rid = newRequestId(desk.projectId);
      const first = expectStatus(
        await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'Pricing?', departmentid: desk.salesId }),
        201,
      );
      assert.equal(first.request.status, 200);
      assert.deepEqual(first.request.participantsAgents, [desk.agentC.userId]);
      const pu = expectStatus(await desk.agentC.rest.get(`/${desk.projectId}/project_users/me`), 200);
      assert.equal(pu.number_assigned_requests, 1);
    });
  });
}
