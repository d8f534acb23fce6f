/**
 * Data nested too deep to serialize, already in the store (written before the edge refused it, or by an older node):
 * the project must still list over REST, snapshot and stream over the Realtime API, with the part too deep replaced
 * by a marker. `JSON.stringify` overflows a few thousand levels down (4,173 at the top of an empty stack), so the
 * rows here nest 5,000 levels: beyond it wherever it runs, within what PGlite's own JSON parser takes (~6,500).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { STORED_EVENT_MAX_DEPTH, STORED_JSON_MAX_DEPTH, TOO_DEEP_MARKER } from '../../src/domain/json-depth.js';
import type { ProjectEvent } from '../../src/events/event.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds, type Harness } from '../support/realtime-harness.js';
import { assign, connect, post, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

const DEPTH = 5000;
/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const deepText = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** How many objects down the chain of `a` keys goes, and what it ends with. */
function chain(value: unknown): { levels: number; end: unknown } {
  let levels = 0;
  let v = value;
  while (typeof v === 'object' && v !== null) {
    levels += 1;
    v = (v as { a?: unknown }).a;
  }
  return { levels, end: v };
}

/** A deep value as served: its first `levels` levels (STORED_JSON_MAX_DEPTH for a column's value), then the marker. */
function assertCapped(value: unknown, what: string, levels = STORED_JSON_MAX_DEPTH): void {
  assert.deepEqual(chain(value), { levels, end: TOO_DEEP_MARKER }, what);
}

for (const kind of storeKinds()) {
  describe(`deep data already in the store (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let visitor: Person;
    let rid: string;
    before(async () => {
      visitor = await world.d.visitor('old');
      rid = await startRequest(world.d, visitor, { text: 'from before the limit' });
      // What an older version let in, written the way it stored it.
      const db = world.h.app.db;
      await db.query('UPDATE requests SET attributes = $2::jsonb WHERE request_id = $1', [rid, deepText(DEPTH)]);
      await db.query('UPDATE messages SET attributes = $2::jsonb, metadata = $2::jsonb WHERE request_id = $1', [rid, deepText(DEPTH)]);
      await db.query('UPDATE leads SET attributes = $2::jsonb WHERE lead_user_id = $1', [visitor.userId, deepText(DEPTH)]);
      await db.query('UPDATE project_users SET attributes = $2::jsonb WHERE id = $1', [world.d.agentA.projectUserId, deepText(DEPTH)]);
    });

    test('REST lists and reads serve it, capped with a marker', async () => {
      const list = expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/requests`), 200);
      const row = list.requests.find((r: { request_id: string }) => r.request_id === rid);
      assertCapped(row.attributes, 'request attributes in the list');
      assertCapped(row.lead.attributes, 'the lead’s attributes');
      assertCapped(row.snapshot.lead.attributes, 'the lead in the snapshot field');
      assertCapped(expectStatus(await visitor.rest.get(`/${world.d.projectId}/requests/${rid}`), 200).attributes, 'the request, to its visitor');
      const [message] = expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/requests/${rid}/messages`), 200);
      assertCapped(message.attributes, 'message attributes');
      assertCapped(message.metadata, 'message metadata');
      const members = expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/project_users`), 200);
      assertCapped(members.find((pu: { _id: string }) => pu._id === world.d.agentA.projectUserId).attributes, 'project user attributes');
    });

    test('Realtime snapshots carry it capped, and the changes that follow stream in order', async () => {
      const admin = await connect(world.h, world.d.admin);
      const agent = await connect(world.h, world.d.agentA);
      const requests = `/${world.d.projectId}/requests`;
      const messages = `/${world.d.projectId}/requests/${rid}/messages`;
      const listSnapshot = await subscribed(admin, requests);
      assert.equal(listSnapshot.action, 'publish', JSON.stringify(listSnapshot.payload).slice(0, 200));
      assertCapped(listSnapshot.payload.message.find((r: { request_id: string }) => r.request_id === rid).attributes, '/P/requests snapshot');
      const messagesSnapshot = await subscribed(admin, messages);
      assertCapped(messagesSnapshot.payload.message[0].attributes, 'messages snapshot');
      const members = await subscribed(admin, `/${world.d.projectId}/project_users`);
      assertCapped(members.payload.message.find((pu: { _id: string }) => pu._id === world.d.agentA.projectUserId).attributes, '/P/project_users snapshot');
      const agentSnapshot = await subscribed(agent, requests);
      assertCapped(agentSnapshot.payload.message.find((r: { request_id: string }) => r.request_id === rid).attributes, 'the pool agent’s snapshot');

      // The deep request changes: each event carries the request as read from the store, so capped too.
      await assign(world.d, world.d.supervisor, rid, world.d.agentA);
      await post(world.d, world.d.agentA, rid, 'an answer at last');
      const answered = await admin.waitFor((f) => f.payload.topic === messages && f.payload.message?.text === 'an answer at last', 'the reply, live');
      const updates = admin.publishes(requests).filter((f) => !Array.isArray(f.payload.message) && f.payload.message.request_id === rid);
      assert.deepEqual(updates.map((f) => f.payload.method), ['UPDATE', 'UPDATE'], 'assigned, then answered');
      for (const f of updates) assertCapped(f.payload.message.attributes, 'a live request event');
      const toAgent = await agent.waitFor((f) => f.payload.topic === requests && f.payload.message?.request_id === rid, 'the request, to the agent it was assigned to');
      assert.equal(toAgent.payload.method, 'UPDATE');
      assertCapped(toAgent.payload.message.attributes, 'the request the agent now holds');
      const load = await admin.waitFor((f) => f.payload.topic === `/${world.d.projectId}/project_users` && f.payload.method === 'UPDATE' && f.payload.message?._id === world.d.agentA.projectUserId, 'agent A’s new load');
      assert.equal(load.payload.message.number_assigned_requests, 1);
      assertCapped(load.payload.message.attributes, 'a live project-user event');
      for (const c of [admin, agent]) {
        assert.deepEqual(c.errors(), []);
        const seqs = c.frames.filter((f) => f.action === 'publish' && !Array.isArray(f.payload.message)).map((f) => f.payload.seq!);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
      }
      assert.equal(answered.payload.seq, updates[1]!.payload.seq! - 1, 'the reply, then the request it answered');
      assert.deepEqual(errorsLogged(world.h), [], 'nothing failed on the way');
      await admin.close();
      await agent.close();
    });

    test('an event too deep to encode (an older node’s) is logged once with its seq; subscribers get it capped from the outbox, in order', async () => {
      const admin = await connect(world.h, world.d.admin);
      const requests = `/${world.d.projectId}/requests`;
      await subscribed(admin, requests);
      const other = await startRequest(world.d, visitor, { text: 'another' });
      const before = await admin.waitFor((f) => f.payload.topic === requests && f.payload.message?.request_id === other, 'a first event');
      const request = expectStatus(await world.d.owner.rest.get(`/${world.d.projectId}/requests/${other}`), 200);
      const data = { ...request, attributes: JSON.parse(deepText(DEPTH)) };
      // The older node wrote the row (its JSON serialized at a shallow stack) and published the event it held.
      const scope = { departmentId: request.department.id, agents: [], requesterUserId: visitor.userId };
      const dataText = JSON.stringify({ ...request, attributes: '__deep__' }).replace('"__deep__"', deepText(DEPTH));
      const seq = await world.h.app.db.transaction(async (tx) => {
        const [project] = await tx.query<{ seq: string }>('SELECT seq FROM projects WHERE id = $1 FOR UPDATE', [world.d.projectId]);
        const next = Number(project!.seq) + 1;
        await tx.query(
          `INSERT INTO events (project_id, seq, epoch, kind, method, entity_id, request_id, scope, prev_scope, data)
           VALUES ($1, $2, $3, 'request', 'UPDATE', $4, $4, $5::jsonb, $5::jsonb, $6::jsonb)`,
          [world.d.projectId, next, before.payload.epoch, other, JSON.stringify(scope), dataText],
        );
        await tx.query('UPDATE projects SET seq = $2 WHERE id = $1', [world.d.projectId, next]);
        return next;
      });
      const event: ProjectEvent = {
        projectId: world.d.projectId,
        seq,
        epoch: before.payload.epoch!,
        kind: 'request',
        method: 'UPDATE',
        entityId: other,
        requestId: other,
        scope,
        prevScope: scope,
        data,
        createdAt: new Date().toISOString(),
      };
      await world.h.app.bus.publish([event]);
      const next = await startRequest(world.d, visitor, { text: 'after the deep one' });
      await admin.waitFor((f) => f.payload.topic === requests && f.payload.message?.request_id === next, 'the event after it');

      const stream = admin.publishes(requests).filter((f) => !Array.isArray(f.payload.message));
      const seqs = stream.map((f) => f.payload.seq!);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
      const deep = stream.filter((f) => f.payload.seq === seq);
      assert.equal(deep.length, 1, `the deep event exactly once: ${seqs.join(', ')}`);
      // An event read back is capped from its entity down (STORED_EVENT_MAX_DEPTH); attributes are its level 2.
      assertCapped(deep[0]!.payload.message.attributes, 'the event as the outbox serves it', STORED_EVENT_MAX_DEPTH - 1);
      assert.deepEqual(admin.errors(), []);
      const logged = errorsLogged(world.h).filter((e) => e.fields.seq === seq);
      assert.equal(logged.length, 1, 'logged once');
      assert.equal(logged[0]!.fields.projectId, world.d.projectId);

      // A client resuming from before it replays it from the outbox, capped as well.
      const resumer = await connect(world.h, world.d.admin);
      const from = resumer.frames.length;
      resumer.subscribe(requests, { since: seq - 1, epoch: event.epoch });
      const replayed = await resumer.waitFor((f) => f.payload.topic === requests && f.payload.seq === seq, 'the replayed deep event', { from });
      assertCapped(replayed.payload.message.attributes, 'the replayed event', STORED_EVENT_MAX_DEPTH - 1);
      await resumer.close();
      await admin.close();
    });
  });
}

function errorsLogged(h: Harness) {
  return h.logs.filter((l) => l.level === 'error');
}
