import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readEventsSince } from '../../src/store/events.js';
import { newRequestId, type Person } from '../support/desk.js';
import { projectFootprint } from '../support/footprint.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

/**
 * Fields that only move forward: a message's status, and the moments a request records once (its first assignment,
 * its first agent reply, its close). A late, repeated or stale call must leave them as they are.
 */
for (const kind of storeKinds()) {
  describe(`fields that only move forward (${kind})`, () => {
    const suite = useDesk(kind);
    let pid: string;

    before(async () => {
      pid = suite.desk.projectId;
    });

    const footprint = () => projectFootprint(suite.app.db, pid);
    const seqOf = async () => Number(expectStatus(await suite.desk.owner.rest.get(`/projects/${pid}`), 200).seq);
    const getRequest = async (rid: string) => expectStatus(await suite.desk.owner.rest.get(`/${pid}/requests/${rid}`), 200);

    /** A visitor's request in the Support pool that agent A joined; returns its id and the visitor's first message. */
    async function joinedByA(): Promise<{ rid: string; visitor: Person; messageId: string }> {
      const visitor = await suite.desk.visitor('Wren');
      const rid = newRequestId(pid);
      const first = expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'hello' }), 201);
      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      return { rid, visitor, messageId: first._id };
    }

    test("a message's status moves forward; 300 then 200 is 409 CONFLICT, the status stays 300 and nothing is written", async () => {
      const { rid, visitor, messageId } = await joinedByA();
      const path = `/${pid}/requests/${rid}/messages/${messageId}`;
      const stored = async () => {
        const [row] = await suite.app.db.query<{ status: number }>('SELECT status FROM messages WHERE project_id = $1 AND id = $2', [pid, messageId]);
        return row!.status;
      };
      assert.equal(await stored(), 100, 'sent');

      for (const status of [150, 200, 300]) {
        const start = await seqOf();
        assert.equal(expectStatus(await suite.desk.agentA.rest.patch(path, { status }), 200).status, status);
        const events = await readEventsSince(suite.app.db, pid, start);
        assert.deepEqual(events.map((e) => [e.kind, e.method, e.kind === 'message' ? e.data.status : null]), [['message', 'UPDATE', status]], `one event for ${status}`);
      }

      const before = await footprint();
      for (const [who, rest] of [['agent A', suite.desk.agentA.rest], ['the visitor', visitor.rest], ['the owner', suite.desk.owner.rest]] as const) {
        for (const status of [200, 250, 150, 100, 0, -100]) {
          const back = await rest.patch(path, { status });
          assert.equal(back.status, 409, `${who}: 300 → ${status}: ${JSON.stringify(back.body)}`);
          assert.equal(back.body.error, 'CONFLICT', `${who}: 300 → ${status}`);
        }
      }
      assert.deepEqual(await footprint(), before, 'nothing was written');
      assert.equal(await stored(), 300);
      const listed = expectStatus(await visitor.rest.get(`/${pid}/requests/${rid}/messages`), 200);
      assert.equal(listed.find((m: { _id: string }) => m._id === messageId).status, 300);
    });

    test('receipts racing each other: the status ends at the highest, and every event carries a higher status than the one before', async () => {
      const { rid, visitor, messageId } = await joinedByA();
      const path = `/${pid}/requests/${rid}/messages/${messageId}`;
      const start = await seqOf();
      // Sent at once from three callers, highest first, so that without the project lock a lower one could land last.
      const sends = [300, 250, 200, 150].flatMap((status) => [suite.desk.agentA.rest, visitor.rest, suite.desk.owner.rest].map((rest) => rest.patch(path, { status })));
      const answers = await Promise.all(sends);
      for (const a of answers) assert.ok(a.status === 200 || (a.status === 409 && a.body.error === 'CONFLICT'), JSON.stringify(a.body));
      const statuses = (await readEventsSince(suite.app.db, pid, start)).filter((e) => e.entityId === messageId).map((e) => (e.kind === 'message' ? e.data.status : NaN));
      assert.ok(statuses.length >= 1);
      assert.deepEqual(statuses, [...new Set(statuses)].sort((x, y) => x - y), `strictly increasing: ${statuses}`);
      assert.equal(statuses.at(-1), 300);
      const [row] = await suite.app.db.query<{ status: number }>('SELECT status FROM messages WHERE project_id = $1 AND id = $2', [pid, messageId]);
      assert.equal(row!.status, 300);
    });

    test('a receipt sent again (the same status) answers the message and writes nothing', async () => {
      const { rid, visitor, messageId } = await joinedByA();
      const path = `/${pid}/requests/${rid}/messages/${messageId}`;
      const seen = expectStatus(await suite.desk.agentA.rest.patch(path, { status: 300 }), 200);
      const before = await footprint();
      for (const rest of [suite.desk.agentA.rest, visitor.rest]) {
        assert.deepEqual(expectStatus(await rest.patch(path, { status: 300 }), 200), seen);
      }
      assert.deepEqual(await footprint(), before, 'no write, no event');
    });

    test('closing a closed request changes nothing: closed_at, closed_by and duration stay those of the first close', async () => {
      const { rid } = await joinedByA();
      const first = expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/close`), 200);
      assert.equal(first.status, 1000);
      assert.equal(first.closed_by, suite.desk.agentA.userId);
      assert.ok(first.closed_at !== null && first.duration !== null);

      const before = await footprint();
      for (const closer of [suite.desk.owner, suite.desk.agentA]) {
        const again = expectStatus(await closer.rest.put(`/${pid}/requests/${rid}/close`), 200);
        assert.deepEqual([again.closed_at, again.closed_by, again.duration], [first.closed_at, first.closed_by, first.duration], closer.email);
      }
      assert.deepEqual(await footprint(), before, 'nothing was written');
      assert.deepEqual(await getRequest(rid), first);
    });

    test('a closed request takes no new participant (409 CONFLICT, nothing written): only reopening brings it back', async () => {
      const { rid } = await joinedByA();
      expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/close`), 200);
      const before = await footprint();
      for (const [who, rest, member] of [
        ['the supervisor assigns B', suite.desk.supervisor.rest, suite.desk.agentB.userId],
        ['A joins again', suite.desk.agentA.rest, suite.desk.agentA.userId],
      ] as const) {
        const r = await rest.post(`/${pid}/requests/${rid}/participants`, { member });
        assert.equal(r.status, 409, `${who}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'CONFLICT', who);
      }
      assert.deepEqual(await footprint(), before, 'nothing was written');
      const closed = await getRequest(rid);
      assert.deepEqual([closed.status, closed.participantsAgents], [1000, [suite.desk.agentA.userId]]);
    });

    test('reopening an open request changes nothing (no load, no event)', async () => {
      const { rid } = await joinedByA();
      const open = await getRequest(rid);
      const before = await footprint();
      assert.deepEqual(expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/reopen`), 200), open);
      assert.deepEqual(await footprint(), before, 'nothing was written');
    });

    test('first_response_at and waiting_time are set by the first agent reply and never move afterwards', async () => {
      const { rid, visitor } = await joinedByA();
      const post = async (who: Person, text: string) => expectStatus(await who.rest.post(`/${pid}/requests/${rid}/messages`, { text }), 201);
      assert.equal((await getRequest(rid)).first_response_at, null, 'joining is not a reply');
      const firstReply = (await post(suite.desk.agentA, 'first reply')).request;
      assert.ok(firstReply.first_response_at !== null && typeof firstReply.waiting_time === 'number');
      const recorded = [firstReply.first_response_at, firstReply.waiting_time];

      expectStatus(await suite.desk.supervisor.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentB.userId }), 200);
      const later: [string, () => Promise<unknown>][] = [
        ['A again', () => post(suite.desk.agentA, 'second reply')],
        ['the visitor', () => post(visitor, 'thanks')],
        ['agent B', () => post(suite.desk.agentB, 'B here')],
        ['the supervisor', () => post(suite.desk.supervisor, 'supervisor here')],
        ['close', async () => expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/close`), 200)],
        ['reopen', async () => expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/reopen`), 200)],
        ['A after reopening', () => post(suite.desk.agentA, 'back again')],
      ];
      for (const [what, step] of later) {
        await step();
        const r = await getRequest(rid);
        assert.deepEqual([r.first_response_at, r.waiting_time], recorded, `after ${what}`);
      }
    });

    test('assigned_at is the first assignment: another agent joining, leaving and joining again do not move it', async () => {
      const { rid } = await joinedByA();
      const first = (await getRequest(rid)).assigned_at;
      assert.ok(first !== null);
      const base = `/${pid}/requests/${rid}/participants`;
      const steps: [string, () => Promise<unknown>][] = [
        ['the supervisor assigns B', async () => expectStatus(await suite.desk.supervisor.rest.post(base, { member: suite.desk.agentB.userId }), 200)],
        ['A leaves', async () => expectStatus(await suite.desk.agentA.rest.delete(`${base}/${suite.desk.agentA.userId}`), 200)],
        ['B leaves (back to the pool)', async () => expectStatus(await suite.desk.agentB.rest.delete(`${base}/${suite.desk.agentB.userId}`), 200)],
        ['A joins again', async () => expectStatus(await suite.desk.agentA.rest.post(base, { member: suite.desk.agentA.userId }), 200)],
      ];
      for (const [what, step] of steps) {
        await step();
        assert.equal((await getRequest(rid)).assigned_at, first, `after ${what}`);
      }
    });
  });
}
