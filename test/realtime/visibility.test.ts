import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, TestClient } from './client.js';
import { startHarness, type Harness } from './harness.js';
import { connectAs, makeWorld, subscribed, type World } from './world.js';

let h: Harness;
let w: World;
before(async () => {
  h = await startHarness({ WS_HISTORY_REQUESTS_LIMIT: '5', WS_HISTORY_MESSAGES_LIMIT: '3' });
  w = await makeWorld(h);
});
after(() => h.close());

const requests = () => `/${w.projectId}/requests`;
const about = (c: TestClient, topic: string, requestId: string): Frame[] =>
  c.publishes(topic).filter((f) => !Array.isArray(f.payload.message) && f.payload.message?.request_id === requestId);
const summary = (frames: Frame[]) => frames.map((f) => f.payload.method);

/** Creates a request in `departmentId` and waits until `c` has it on `topic`: everything before it has arrived too. */
async function barrier(c: TestClient, departmentId: string, topic = requests()): Promise<void> {
  const r = await h.desk.createRequest(w.projectId, { departmentId, text: 'marker' });
  await c.waitFor((f) => f.payload.topic === topic && f.payload.message?.request_id === r.request_id, `marker ${r.request_id}`);
}

describe('/P/requests', () => {
  test('an agent receives only what they may see, and DELETE (ids only) when a request is reassigned away', async () => {
    const [a, b, admin] = [await connectAs(h, w.users.agentA), await connectAs(h, w.users.agentB), await connectAs(h, w.users.admin)];
    for (const c of [a, b, admin]) await subscribed(c, requests());
    const r1 = await h.desk.createRequest(w.projectId, { departmentId: w.depA });
    const r2 = await h.desk.createRequest(w.projectId, { departmentId: w.depB });
    await h.desk.assign(w.projectId, r1.request_id, [w.users.agentB]);
    await h.desk.message(w.projectId, r1.request_id, w.users.agentB, 'not a /requests event');
    await h.desk.close(w.projectId, r1.request_id, w.users.agentB);
    await barrier(a, w.depA);
    await barrier(b, w.depB);
    await barrier(admin, w.depA);

    assert.deepEqual(summary(about(a, requests(), r1.request_id)), ['CREATE', 'DELETE']);
    assert.deepEqual(about(a, requests(), r1.request_id)[1]!.payload.message, { _id: r1._id, id: r1._id, request_id: r1.request_id });
    assert.deepEqual(summary(about(a, requests(), r2.request_id)), [], 'nothing at all about a request in another pool');
    assert.deepEqual(summary(about(b, requests(), r1.request_id)), ['CREATE', 'UPDATE'], 'B sees it from the assignment on');
    assert.equal(about(b, requests(), r1.request_id)[1]!.payload.message.status, 1000, 'closing is an UPDATE with status 1000');
    assert.deepEqual(summary(about(b, requests(), r2.request_id)), ['CREATE']);
    assert.deepEqual(summary(about(admin, requests(), r1.request_id)), ['CREATE', 'UPDATE', 'UPDATE']);
    assert.deepEqual(summary(about(admin, requests(), r2.request_id)), ['CREATE']);
    for (const c of [a, b, admin]) {
      assert.deepEqual(c.errors(), []);
      const seqs = c.publishes(requests()).map((f) => f.payload.seq!);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
      await c.close();
    }
  });

  test('the snapshot holds the open requests the subscriber may see, newest first, at most the configured number', async () => {
    const { projectId, departmentId } = await h.desk.project('Snapshots');
    const agent = await h.desk.user('Ann');
    const admin = await h.desk.user('Abe');
    await h.desk.member(projectId, agent, 'agent', [departmentId]);
    await h.desk.member(projectId, admin, 'admin');
    const other = await h.desk.department(projectId, 'Other');
    const mine = [];
    for (let i = 0; i < 7; i++) mine.push(await h.desk.createRequest(projectId, { departmentId }));
    const closed = await h.desk.createRequest(projectId, { departmentId });
    await h.desk.close(projectId, closed.request_id, admin);
    const hidden = await h.desk.createRequest(projectId, { departmentId: other });

    const a = await connectAs(h, agent);
    const snap = await subscribed(a, `/${projectId}/requests`);
    assert.equal(snap.payload.method, 'CREATE');
    assert.equal(snap.payload.seq, await h.desk.seq(projectId));
    assert.equal(typeof snap.payload.epoch, 'string');
    assert.deepEqual(
      snap.payload.message.map((r: { request_id: string }) => r.request_id),
      mine.slice(-5).reverse().map((r) => r.request_id),
    );
    const adm = await connectAs(h, admin);
    const all = await subscribed(adm, `/${projectId}/requests`);
    assert.deepEqual(
      all.payload.message.map((r: { request_id: string }) => r.request_id),
      [hidden, ...mine.slice(-4).reverse()].map((r) => r.request_id),
    );
    await a.close();
    await adm.close();
  });

  test('a department change re-filters an agent’s live events without dropping the subscription', async () => {
    const pu = w.pus.agentA;
    const a = await connectAs(h, w.users.agentA);
    await subscribed(a, requests());
    await h.desk.setDepartments(w.projectId, pu, [w.depB]);
    const inA = await h.desk.createRequest(w.projectId, { departmentId: w.depA });
    await barrier(a, w.depB);
    assert.deepEqual(about(a, requests(), inA.request_id), []);
    assert.deepEqual(a.errors(), []);
    await h.desk.setDepartments(w.projectId, pu, [w.depA]);
    await barrier(a, w.depA);
    await a.close();
  });
});

describe('/P/requests/R and its messages', () => {
  test('same rule: snapshot, live messages, DELETE when reassigned away, then nothing', async () => {
    const r = await h.desk.createRequest(w.projectId, { departmentId: w.depA });
    for (let i = 1; i <= 4; i++) await h.desk.message(w.projectId, r.request_id, w.users.agentA, `m${i}`);
    const one = `/${w.projectId}/requests/${r.request_id}`;
    const msgs = `${one}/messages`;
    const a = await connectAs(h, w.users.agentA);
    const b = await connectAs(h, w.users.agentB);
    await subscribed(a, requests());
    assert.equal((await subscribed(a, one)).payload.message.request_id, r.request_id);
    const snap = await subscribed(a, msgs);
    assert.deepEqual(snap.payload.message.map((m: { text: string }) => m.text), ['m2', 'm3', 'm4'], 'the newest 3, oldest first');
    for (const topic of [one, msgs, `/${w.projectId}/requests/support-group-nope`]) {
      const refused = await subscribed(b, topic);
      assert.equal(refused.action, 'error');
      assert.equal(refused.payload.code, 'SUBSCRIBE_FORBIDDEN', 'invisible and absent look the same');
    }

    await h.desk.message(w.projectId, r.request_id, w.users.agentA, 'm5');
    await a.waitFor((f) => f.payload.topic === msgs && f.payload.message?.text === 'm5', 'live message m5');
    await h.desk.assign(w.projectId, r.request_id, [w.users.agentB]);
    await h.desk.message(w.projectId, r.request_id, w.users.agentB, 'secret');
    await h.desk.updateRequest(w.projectId, r.request_id, { tags: ['secret'] });
    await barrier(a, w.depA);

    const ids = { _id: r._id, id: r._id, request_id: r.request_id };
    assert.deepEqual(a.publishes(one).map((f) => [f.payload.method, f.payload.method === 'DELETE' ? f.payload.message : '']), [
      ['CREATE', ''],
      ['DELETE', ids],
    ]);
    const live = a.publishes(msgs).slice(1);
    assert.deepEqual(live.map((f) => [f.payload.method, f.payload.message.text ?? f.payload.message]), [
      ['CREATE', 'm5'],
      ['DELETE', ids],
    ]);
    assert.ok(!JSON.stringify(a.frames).includes('secret'), 'no data of a request the agent may no longer see');

    const nowB = await subscribed(b, msgs);
    assert.equal(nowB.action, 'publish');
    assert.deepEqual(nowB.payload.message.map((m: { text: string }) => m.text), ['m4', 'm5', 'secret']);
    await a.close();
    await b.close();
  });
});

describe('who may subscribe', () => {
  test('visitors, non-members and other projects are refused with SUBSCRIBE_FORBIDDEN; bad forms with TOPIC_INVALID', async () => {
    const other = await h.desk.project('Other');
    const visitor = await connectAs(h, w.users.visitor);
    const outsider = await connectAs(h, w.users.outsider);
    const admin = await connectAs(h, w.users.admin);
    for (const [c, topic] of [
      [visitor, requests()],
      [visitor, `/${w.projectId}/project_users/users/${w.users.agentA}`],
      [outsider, requests()],
      [admin, `/${other.projectId}/requests`],
      [admin, `/nonexistentproject/requests`],
      [admin, `/${w.projectId}/metrics`],
    ] as const) {
      const f = await subscribed(c, topic);
      assert.equal(f.action, 'error', topic);
      assert.equal(f.payload.code, 'SUBSCRIBE_FORBIDDEN', topic);
      assert.equal(f.payload.retryable, false);
    }
    const bad = await subscribed(admin, `/${w.projectId}/requests/x/y/z`);
    assert.equal(bad.payload.code, 'TOPIC_INVALID');
    for (const c of [visitor, outsider, admin]) await c.close();
  });

  test('project-user topics: who may hold them, and private fields only for owners, admins and oneself', async () => {
    const a = await connectAs(h, w.users.agentA);
    const sup = await connectAs(h, w.users.supervisor);
    const admin = await connectAs(h, w.users.admin);
    await h.desk.updateMember(w.projectId, w.pus.agentB, { last_ip: '10.1.2.3' });

    const self = await subscribed(a, `/${w.projectId}/project_users/${w.pus.agentA}`);
    assert.equal(self.payload.message._id, w.pus.agentA);
    assert.equal(typeof self.payload.message.isBusy, 'boolean');
    assert.equal((await subscribed(a, `/${w.projectId}/project_users/${w.pus.agentB}`)).payload.code, 'SUBSCRIBE_FORBIDDEN');
    assert.equal((await subscribed(a, `/${w.projectId}/project_users`)).payload.code, 'SUBSCRIBE_FORBIDDEN');
    const peer = await subscribed(a, `/${w.projectId}/project_users/users/${w.users.agentB}`);
    assert.equal(peer.payload.message.uuid_user, w.users.agentB);
    assert.ok(!('last_ip' in peer.payload.message) && !('attributes' in peer.payload.message));

    assert.equal((await subscribed(sup, `/${w.projectId}/project_users/${w.pus.agentB}`)).payload.message._id, w.pus.agentB);
    const list = await subscribed(sup, `/${w.projectId}/project_users`);
    assert.deepEqual(
      list.payload.message.map((pu: { role: string }) => pu.role).sort(),
      ['admin', 'agent', 'agent', 'owner', 'supervisor'],
      'members only, no visitors',
    );
    const full = await subscribed(admin, `/${w.projectId}/project_users/users/${w.users.agentB}`);
    assert.equal(full.payload.message.last_ip, '10.1.2.3');

    await h.desk.updateMember(w.projectId, w.pus.agentB, { user_available: false });
    const live = await a.waitFor((f) => f.payload.topic === `/${w.projectId}/project_users/users/${w.users.agentB}` && f.payload.method === 'UPDATE', 'live UPDATE');
    assert.equal(live.payload.message.user_available, false);
    assert.ok(!('last_ip' in live.payload.message));
    const liveAdmin = await admin.waitFor((f) => f.payload.method === 'UPDATE', 'admin live UPDATE');
    assert.equal(liveAdmin.payload.message.last_ip, '10.1.2.3');
    await sup.waitFor((f) => f.payload.topic === `/${w.projectId}/project_users` && f.payload.method === 'UPDATE', 'list UPDATE');
    for (const c of [a, sup, admin]) await c.close();
  });

  test('a role change or removal drops the subscriptions no longer allowed, one error frame per topic', async () => {
    const user = await h.desk.user('Dora');
    const pu = await h.desk.member(w.projectId, user, 'supervisor', [w.depA]);
    const c = await connectAs(h, user);
    const list = `/${w.projectId}/project_users`;
    const other = `/${w.projectId}/project_users/${w.pus.agentB}`;
    for (const t of [requests(), list, other]) assert.equal((await subscribed(c, t)).action, 'publish');

    await h.desk.updateMember(w.projectId, pu, { role: 'agent' });
    await c.waitForCount((f) => f.action === 'error', 2, 'two dropped topics');
    assert.deepEqual(c.errors().map((f) => [f.payload.topic, f.payload.code]).sort(), [
      [list, 'SUBSCRIBE_FORBIDDEN'],
      [other, 'SUBSCRIBE_FORBIDDEN'],
    ]);
    const hidden = await h.desk.createRequest(w.projectId, { departmentId: w.depB });
    await barrier(c, w.depA);
    assert.deepEqual(about(c, requests(), hidden.request_id), [], 'narrowed to an agent’s view');

    await h.desk.removeMember(w.projectId, pu);
    const dropped = await c.waitFor((f) => f.action === 'error' && f.payload.topic === requests(), 'requests dropped on removal');
    assert.equal(dropped.payload.code, 'SUBSCRIBE_FORBIDDEN');
    const seen = c.frames.length;
    const watcher = await connectAs(h, w.users.admin);
    await subscribed(watcher, requests());
    await barrier(watcher, w.depA);
    assert.equal(c.frames.length, seen, 'nothing more after removal');
    assert.equal(c.closed, null, 'the connection stays open');
    await c.close();
    await watcher.close();
  });
});
