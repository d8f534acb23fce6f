import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

for (const kind of storeKinds()) {
  describe(`REST story (${kind})`, () => {
    const suite = useDesk(kind);

    test('visitor message → pooled routing → agent joins and replies → close, one event per change, consecutive seq', async () => {
      const visitor = await suite.desk.visitor('Vera');
      const rid = newRequestId(suite.desk.projectId);
      const seqBefore = expectStatus(await suite.desk.owner.rest.get(`/projects/${suite.desk.projectId}`), 200).seq;

      const first = expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'Hello, I need help' }), 201);
      assert.equal(first.sender, visitor.userId);
      assert.equal(first.request.status, 100, 'the default department is pooled: the request waits');
      assert.deepEqual(first.request.participantsAgents, []);
      assert.equal(first.request.first_text, 'Hello, I need help');
      assert.equal(first.request.department.name, 'Support');

      const joined = expectStatus(await suite.desk.agentA.rest.post(`/${suite.desk.projectId}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      assert.equal(joined.status, 200);
      assert.deepEqual(joined.participantsAgents, [suite.desk.agentA.userId]);
      assert.ok(joined.assigned_at);

      const reply = expectStatus(await suite.desk.agentA.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'Hi Vera!' }), 201);
      assert.equal(reply.request.first_response_at !== null, true);
      assert.equal(typeof reply.request.waiting_time, 'number');
      assert.ok(reply.request.waiting_time >= 0);

      const closed = expectStatus(await suite.desk.agentA.rest.put(`/${suite.desk.projectId}/requests/${rid}/close`), 200);
      assert.equal(closed.status, 1000);
      assert.equal(closed.closed_by, suite.desk.agentA.userId);
      assert.ok(closed.closed_at);
      assert.equal(typeof closed.duration, 'number');

      const events = await suite.app.db.query<{ seq: number; kind: string; method: string; entity_id: string }>(
        'SELECT seq, kind, method, entity_id FROM events WHERE project_id = $1 AND seq > $2 ORDER BY seq',
        [suite.desk.projectId, seqBefore],
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
      const pu = expectStatus(await suite.desk.agentA.rest.get(`/${suite.desk.projectId}/project_users/me`), 200);
      assert.equal(pu.number_assigned_requests, 0);
    });

    test('an assigned department gives the request to the least loaded available agent at once', async () => {
      const visitor = await suite.desk.visitor();
      const rid = newRequestId(suite.desk.projectId);
      const first = expectStatus(
        await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'Pricing?', departmentid: suite.desk.salesId }),
        201,
      );
      assert.equal(first.request.status, 200);
      assert.deepEqual(first.request.participantsAgents, [suite.desk.agentC.userId]);
      const pu = expectStatus(await suite.desk.agentC.rest.get(`/${suite.desk.projectId}/project_users/me`), 200);
      assert.equal(pu.number_assigned_requests, 1);
    });
  });
}
