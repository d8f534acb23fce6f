import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { signUp } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { assign, closeRequest, connect, connectAs, post, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

for (const kind of storeKinds()) {
  describe(`per-subscriber authorization (${kind})`, () => {
    const world = useRealtimeDesk(kind, { WS_HISTORY_REQUESTS_LIMIT: '5', WS_HISTORY_MESSAGES_LIMIT: '3' });
    let visitor: Person;
    before(async () => {
      visitor = await world.d.visitor();
    });

    const requests = () => `/${world.d.projectId}/requests`;
    const about = (c: TestClient, topic: string, rid: string): Frame[] =>
      c.publishes(topic).filter((f) => !Array.isArray(f.payload.message) && f.payload.message?.request_id === rid);
    const methods = (frames: Frame[]) => frames.map((f) => f.payload.method);

    /** A new request in the Support pool, awaited on `c`: everything published before it has arrived too. */
    async function barrier(c: TestClient, topic = requests()): Promise<void> {
      const rid = await startRequest(world.d, visitor, { text: 'marker' });
      await c.waitFor((f) => f.payload.topic === topic && f.payload.message?.request_id === rid, `marker ${rid}`);
    }

    test('/P/requests: an agent gets only what they may see and DELETE (ids only) when it is reassigned away; an admin sees all', async () => {
      const [a, b, c, admin] = await Promise.all([connect(world.h, world.d.agentA), connect(world.h, world.d.agentB), connect(world.h, world.d.agentC), connect(world.h, world.d.admin)]);
      for (const client of [a, b, c, admin]) await subscribed(client, requests());
      const rid = await startRequest(world.d, visitor);
      await assign(world.d, world.d.supervisor, rid, world.d.agentC);
      await post(world.d, world.d.agentC, rid, 'first reply');
      await closeRequest(world.d, world.d.agentC, rid);
      const closed = (f: Frame) => f.payload.message?.request_id === rid && f.payload.message?.status === 1000;
      await c.waitFor(closed, 'the close on C');
      await admin.waitFor(closed, 'the close on admin');
      await barrier(a);
      await barrier(b);

      const r = expectStatus(await world.d.admin.rest.get(`/${world.d.projectId}/requests/${rid}`), 200);
      for (const pool of [a, b]) {
        assert.deepEqual(methods(about(pool, requests(), rid)), ['CREATE', 'DELETE']);
        assert.deepEqual(about(pool, requests(), rid)[1]!.payload.message, { _id: r._id, id: r._id, request_id: rid }, 'ids only');
      }
      assert.deepEqual(methods(about(c, requests(), rid)), ['CREATE', 'UPDATE', 'UPDATE'], 'C: visible from the assignment on');
      assert.deepEqual(methods(about(admin, requests(), rid)), ['CREATE', 'UPDATE', 'UPDATE', 'UPDATE']);
      for (const client of [a, b, c, admin]) {
        assert.deepEqual(client.errors(), []);
        const seqs = client.publishes(requests()).map((f) => f.payload.seq!);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
        await client.close();
      }
    });

    test('/P/requests/R and its messages: the same rule, DELETE on reassignment and nothing afterwards', async () => {
      const rid = await startRequest(world.d, visitor, { text: 'm1' });
      for (const text of ['m2', 'm3', 'm4']) await post(world.d, visitor, rid, text);
      const one = `/${world.d.projectId}/requests/${rid}`;
      const msgs = `${one}/messages`;
      const a = await connect(world.h, world.d.agentA);
      const dee = await connect(world.h, world.d.agentD);
      await subscribed(a, requests());
      assert.equal((await subscribed(a, one)).payload.message.request_id, rid);
      const snap = await subscribed(a, msgs);
      assert.deepEqual(snap.payload.message.map((m: { text: string }) => m.text), ['m2', 'm3', 'm4'], 'the newest 3, oldest first');
      for (const topic of [one, msgs, `/${world.d.projectId}/requests/support-group-absent`]) {
        const refused = await subscribed(dee, topic);
        assert.equal(refused.action, 'error');
        assert.equal(refused.payload.code, 'SUBSCRIBE_FORBIDDEN', 'invisible and absent look alike');
      }

      await post(world.d, visitor, rid, 'm5');
      await a.waitFor((f) => f.payload.topic === msgs && f.payload.message?.text === 'm5', 'live message m5');
      await assign(world.d, world.d.supervisor, rid, world.d.agentC);
      await post(world.d, world.d.agentC, rid, 'secret');
      expectStatus(await world.d.agentC.rest.patch(`/${world.d.projectId}/requests/${rid}`, { tags: ['secret-tag'] }), 200);
      await barrier(a);

      const r = expectStatus(await world.d.admin.rest.get(one), 200);
      const ids = { _id: r._id, id: r._id, request_id: rid };
      assert.deepEqual(a.publishes(one).map((f) => [f.payload.method, f.payload.method === 'DELETE' ? f.payload.message : '-']), [
        ['CREATE', '-'],
        ['DELETE', ids],
      ]);
      assert.deepEqual(a.publishes(msgs).slice(1).map((f) => [f.payload.method, f.payload.message.text ?? f.payload.message]), [
        ['CREATE', 'm5'],
        ['DELETE', ids],
      ]);
      assert.ok(!JSON.stringify(a.frames).includes('secret'), 'no data of a request the agent may no longer see');

      const c = await connect(world.h, world.d.agentC);
      assert.deepEqual((await subscribed(c, msgs)).payload.message.map((m: { text: string }) => m.text), ['m4', 'm5', 'secret']);
      for (const client of [a, dee, c]) await client.close();
    });

    test('the /P/requests snapshot: open requests the subscriber may see, newest first, at most WS_HISTORY_REQUESTS_LIMIT', async () => {
      const { projectId, departmentId } = await world.h.desk.project('Snapshots');
      const [agent, admin] = [await world.h.desk.user('Ann'), await world.h.desk.user('Abe')];
      await world.h.desk.member(projectId, agent, 'agent', [departmentId]);
      await world.h.desk.member(projectId, admin, 'admin');
      const other = await world.h.desk.department(projectId, 'Other');
      const mine = [];
      for (let i = 0; i < 7; i++) mine.push(await world.h.desk.createRequest(projectId, { departmentId }));
      const closed = await world.h.desk.createRequest(projectId, { departmentId });
      await world.h.desk.close(projectId, closed.request_id, admin);
      const hidden = await world.h.desk.createRequest(projectId, { departmentId: other });

      const a = await connectAs(world.h, agent);
      const snap = await subscribed(a, `/${projectId}/requests`);
      assert.equal(snap.payload.seq, await world.h.desk.seq(projectId), 'the seq it is consistent with');
      assert.equal(typeof snap.payload.epoch, 'string');
      const ids = (f: Frame) => f.payload.message.map((r: { request_id: string }) => r.request_id);
      assert.deepEqual(ids(snap), mine.slice(-5).reverse().map((r) => r.request_id));
      const adm = await connectAs(world.h, admin);
      assert.deepEqual(ids(await subscribed(adm, `/${projectId}/requests`)), [hidden, ...mine.slice(-4).reverse()].map((r) => r.request_id));
      await a.close();
      await adm.close();
    });

    test('a department change re-filters an agent’s live events without dropping the subscription', async () => {
      const a = await connect(world.h, world.d.agentA);
      await subscribed(a, requests());
      const members = (ids: string[]) => world.d.owner.rest.put(`/${world.d.projectId}/departments/${world.d.supportId}`, { members: ids });
      expectStatus(await members([world.d.agentB.userId]), 200);
      const rid = await startRequest(world.d, visitor);
      const b = await connect(world.h, world.d.agentB);
      await subscribed(b, requests());
      await barrier(b);
      expectStatus(await members([world.d.agentA.userId, world.d.agentB.userId]), 200);
      await barrier(a);
      assert.deepEqual(about(a, requests(), rid), [], 'nothing of a request in a pool A left');
      assert.deepEqual(a.errors(), []);
      await a.close();
      await b.close();
    });

    test('visitors, non-members and other projects get SUBSCRIBE_FORBIDDEN; malformed topics TOPIC_INVALID', async () => {
      const outsider = await signUp(world.h.url, 'outsider');
      const elsewhere = expectStatus(await outsider.rest.post('/projects', { name: 'Elsewhere' }), 201);
      const [vis, out, admin] = await Promise.all([connect(world.h, visitor), connect(world.h, outsider), connect(world.h, world.d.admin)]);
      for (const [client, topic] of [
        [vis, requests()],
        [vis, `/${world.d.projectId}/requests/${await startRequest(world.d, visitor)}`],
        [vis, `/${world.d.projectId}/project_users/users/${world.d.agentA.userId}`],
        [out, requests()],
        [admin, `/${elsewhere.id}/requests`],
        [admin, `/${elsewhere.id}/project_users/users/${outsider.userId}`],
        // Live metrics are for owners, admins and supervisors (agents: test/realtime/metrics-topic.test.ts).
        [vis, `/${world.d.projectId}/metrics`],
      ] as const) {
        const f = await subscribed(client, topic);
        assert.deepEqual([f.action, f.payload.code, f.payload.retryable], ['error', 'SUBSCRIBE_FORBIDDEN', false], topic);
      }
      assert.equal((await subscribed(admin, `/${world.d.projectId}/requests/x/y`)).payload.code, 'TOPIC_INVALID');
      for (const client of [vis, out, admin]) await client.close();
    });

    test('project-user topics: who may hold them; last_ip and attributes only for owners, admins and oneself', async () => {
      await world.h.app.db.query(`UPDATE project_users SET last_ip = $1, attributes = '{"note":"private"}' WHERE id = $2`, ['10.1.2.3', world.d.agentB.projectUserId]);
      const [a, sup, admin] = await Promise.all([connect(world.h, world.d.agentA), connect(world.h, world.d.supervisor), connect(world.h, world.d.admin)]);
      const pu = (id: string) => `/${world.d.projectId}/project_users/${id}`;
      const byUser = `/${world.d.projectId}/project_users/users/${world.d.agentB.userId}`;
      const list = `/${world.d.projectId}/project_users`;

      const self = await subscribed(a, pu(world.d.agentA.projectUserId));
      assert.equal(self.payload.message._id, world.d.agentA.projectUserId);
      assert.equal(typeof self.payload.message.isBusy, 'boolean');
      assert.equal((await subscribed(a, pu(world.d.agentB.projectUserId))).payload.code, 'SUBSCRIBE_FORBIDDEN');
      assert.equal((await subscribed(a, list)).payload.code, 'SUBSCRIBE_FORBIDDEN');
      const peer = (await subscribed(a, byUser)).payload.message;
      assert.equal(peer.uuid_user, world.d.agentB.userId);
      assert.deepEqual([peer.last_ip, peer.attributes], [null, {}], 'private fields withheld, as over REST');
      assert.equal((await subscribed(sup, pu(world.d.agentB.projectUserId))).payload.message._id, world.d.agentB.projectUserId);
      const all = await subscribed(sup, list);
      assert.deepEqual(all.payload.message.map((p: { role: string }) => p.role).sort(), ['admin', 'agent', 'agent', 'agent', 'agent', 'owner', 'supervisor']);
      const full = (await subscribed(admin, byUser)).payload.message;
      assert.deepEqual([full.last_ip, full.attributes], ['10.1.2.3', { note: 'private' }]);

      expectStatus(await world.d.agentB.rest.put(`/${world.d.projectId}/project_users`, { user_available: false }), 200);
      const isUpdate = (topic: string) => (f: Frame) => f.payload.topic === topic && f.payload.method === 'UPDATE';
      const live = await a.waitFor(isUpdate(byUser), 'live UPDATE for A');
      assert.equal(live.payload.message.user_available, false);
      assert.equal(live.payload.message.last_ip, null);
      assert.equal((await admin.waitFor(isUpdate(byUser), 'live UPDATE for admin')).payload.message.last_ip, '10.1.2.3');
      await sup.waitFor(isUpdate(list), 'list UPDATE');
      await sup.waitFor(isUpdate(pu(world.d.agentB.projectUserId)), 'PU UPDATE');
      expectStatus(await world.d.agentB.rest.put(`/${world.d.projectId}/project_users`, { user_available: true }), 200);
      for (const client of [a, sup, admin]) await client.close();
    });

    test('a role change drops what the new role may not hold (one error frame per topic); disabling drops the rest', async () => {
      const dora = await signUp(world.h.url, 'dora');
      const invited = expectStatus(await world.d.owner.rest.post(`/${world.d.projectId}/project_users/invite`, { email: dora.email, role: 'supervisor' }), 201);
      const c = await connect(world.h, dora);
      const list = `/${world.d.projectId}/project_users`;
      const other = `/${world.d.projectId}/project_users/${world.d.agentB.projectUserId}`;
      for (const t of [requests(), list, other]) assert.equal((await subscribed(c, t)).action, 'publish', t);

      expectStatus(await world.d.admin.rest.put(`/${world.d.projectId}/project_users/${invited._id}`, { role: 'agent' }), 200);
      await c.waitForCount((f) => f.action === 'error', 2, 'two dropped topics');
      assert.deepEqual(c.errors().map((f) => [f.payload.topic, f.payload.code]).sort(), [
        [list, 'SUBSCRIBE_FORBIDDEN'],
        [other, 'SUBSCRIBE_FORBIDDEN'],
      ]);
      const hidden = await startRequest(world.d, visitor);
      const watcher = await connect(world.h, world.d.admin);
      await subscribed(watcher, requests());
      await barrier(watcher);
      assert.deepEqual(about(c, requests(), hidden), [], 'narrowed to an agent in no department');

      expectStatus(await world.d.admin.rest.put(`/${world.d.projectId}/project_users/${invited._id}`, { status: 'disabled' }), 200);
      const dropped = await c.waitFor((f) => f.action === 'error' && f.payload.topic === requests(), '/requests dropped');
      assert.equal(dropped.payload.code, 'SUBSCRIBE_FORBIDDEN');
      const seen = c.frames.length;
      await barrier(watcher);
      assert.equal(c.frames.length, seen, 'nothing after being disabled');
      assert.equal(c.closed, null, 'the connection stays open');
      await c.close();
      await watcher.close();
    });
  });
}
