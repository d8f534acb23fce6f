/**
 * The "can take chats now" rule in routing (src/domain/chat-availability.ts): routing skips members who are offline,
 * away or do not take chats; a member who becomes able to take chats gets the oldest waiting requests of their
 * assigned departments, up to their free slots, through ordinary request events; `ignore_presence` restores
 * Tiledesk's presence-blind routing; `takes_chats` is set by the member or an admin. Real REST, real sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { createDesk, newRequestId, type Desk, type Person } from '../support/desk.js';
import { until } from '../support/until.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('chat availability in routing (pglite)', () => {
  let app: TestApp;
  const sockets: TestClient[] = [];
  before(async () => {
    app = await startTestApp('pglite', { PRESENCE_GRACE: '1s' });
  });
  after(async () => {
    for (const s of sockets) await s.close();
    await app.closeAll();
  });

  const connect = async (p: Person) => {
    const c = await TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(p.token)}`);
    sockets.push(c);
    return c;
  };
  const me = async (desk: Desk, p: Person) => expectStatus(await p.rest.get(`/${desk.projectId}/project_users/me`), 200);
  const online = (desk: Desk, p: Person) => until(async () => (await me(desk, p)).presence.status === 'online', 'online', { everyMs: 20 });
  const presenceOn = async (desk: Desk) => expectStatus(await desk.owner.rest.put(`/projects/${desk.projectId}`, { settings: { ignore_presence: false } }), 200);
  const assigned = async (desk: Desk, name: string, members: Person[]) =>
    expectStatus(await desk.owner.rest.post(`/${desk.projectId}/departments`, { name, routing: 'assigned', members: members.map((m) => m.userId) }), 201).id as string;
  const ask = async (desk: Desk, departmentid: string) => {
    const visitor = await desk.visitor();
    const rid = newRequestId(desk.projectId);
    return expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'hello?', departmentid }), 201).request;
  };
  const stored = async (desk: Desk, rid: string) =>
    (await app.db.query<{ status: number; participants_agents: string[] }>('SELECT status, participants_agents FROM requests WHERE project_id = $1 AND request_id = $2', [desk.projectId, rid]))[0]!;

  test('takes_chats: true for agents, false for owner, admin and supervisor; a member sets their own, an admin anyone\'s, an agent cannot turn it off', async () => {
    const desk = await createDesk(app.url);
    const pid = desk.projectId;
    assert.equal((await me(desk, desk.agentA)).takes_chats, true);
    for (const p of [desk.owner, desk.admin, desk.supervisor]) {
      const pu = await me(desk, p);
      assert.equal(pu.takes_chats, false);
      assert.equal(pu.chat_state, null, 'not a chat taker');
    }
    assert.equal((await me(desk, desk.agentA)).chat_state, 'available', 'the REST desk ignores presence');
    assert.equal(expectStatus(await desk.supervisor.rest.put(`/${pid}/project_users`, { takes_chats: true }), 200).chat_state, 'available');
    assert.equal(expectStatus(await desk.admin.rest.put(`/${pid}/project_users/${desk.supervisor.projectUserId}`, { takes_chats: false }), 200).takes_chats, false);
    // An agent may not change anyone else's flag, nor turn off their own (it would do nothing): nothing written.
    assert.equal((await desk.agentA.rest.put(`/${pid}/project_users/${desk.supervisor.projectUserId}`, { takes_chats: true })).status, 403);
    const refused = await desk.agentA.rest.put(`/${pid}/project_users`, { takes_chats: false });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'BODY_INVALID');
    assert.equal((await desk.agentA.rest.put(`/${pid}/project_users`, { takes_chats: 'yes' })).body.error, 'BODY_INVALID');
    assert.equal((await me(desk, desk.supervisor)).takes_chats, false);
    const [row] = await app.db.query<{ takes_chats: boolean }>('SELECT takes_chats FROM project_users WHERE id = $1', [desk.agentA.projectUserId]);
    assert.equal(row!.takes_chats, false, 'the stored flag untouched (agents take chats by role)');
  });

  test('routing skips an offline agent and an admin without takes_chats; the admin who opts in is routed to', async () => {
    const desk = await createDesk(app.url);
    await presenceOn(desk);
    const dep = await assigned(desk, 'Round', [desk.admin, desk.agentC, desk.agentD]);
    await connect(desk.admin);
    await connect(desk.agentC);
    await Promise.all([online(desk, desk.admin), online(desk, desk.agentC)]);
    assert.equal((await me(desk, desk.agentD)).chat_state, 'offline');
    // D (offline) and the admin (not taking chats) are both less loaded than C after the first: C gets all three.
    for (let i = 0; i < 3; i++) assert.deepEqual((await ask(desk, dep)).participantsAgents, [desk.agentC.userId], `request ${i + 1}`);
    expectStatus(await desk.admin.rest.put(`/${desk.projectId}/project_users`, { takes_chats: true }), 200);
    assert.deepEqual((await ask(desk, dep)).participantsAgents, [desk.admin.userId], 'the admin, now taking chats and least loaded');
  });

  test('an agent who turns available gets the oldest waiting requests of their assigned department, up to their free slots, then one per closed chat', async () => {
    const desk = await createDesk(app.url);
    const pid = desk.projectId;
    expectStatus(await desk.owner.rest.put(`/projects/${pid}`, { settings: { chat_limit_on: true, max_agent_assigned_chat: 2 } }), 200);
    const dep = await assigned(desk, 'Queue', [desk.agentC]);
    expectStatus(await desk.agentC.rest.put(`/${pid}/project_users`, { user_available: false }), 200);
    const watcher = await connect(desk.supervisor);
    watcher.subscribe(`/${pid}/requests`);
    await watcher.waitFor((f) => f.payload?.topic === `/${pid}/requests`, 'the requests snapshot');
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push((await ask(desk, dep)).request_id as string);
    // A pooled request waits too, and is not for routing to take.
    const pooled = (await ask(desk, desk.supportId)).request_id as string;
    for (const rid of waiting) assert.equal((await stored(desk, rid)).status, 100);

    const back = expectStatus(await desk.agentC.rest.put(`/${pid}/project_users`, { user_available: true }), 200);
    assert.equal(back.number_assigned_requests, 2, 'the answer shows the load the re-routing gave');
    assert.deepEqual((await stored(desk, waiting[0]!)).participants_agents, [desk.agentC.userId], 'the oldest');
    assert.deepEqual((await stored(desk, waiting[1]!)).participants_agents, [desk.agentC.userId], 'the next');
    assert.equal((await stored(desk, waiting[2]!)).status, 100, 'the third waits: C is at the limit');
    assert.equal((await stored(desk, pooled)).status, 100, 'pooled requests stay in the pool');
    // Subscribers saw it as ordinary request UPDATEs, assigned to C.
    for (const rid of waiting.slice(0, 2)) {
      await watcher.waitFor(
        (f) => f.payload?.method === 'UPDATE' && f.payload.message?.request_id === rid && f.payload.message.status === 200,
        `the UPDATE of ${rid}`,
      );
    }

    expectStatus(await desk.agentC.rest.put(`/${pid}/requests/${waiting[0]}/close`), 200);
    assert.deepEqual((await stored(desk, waiting[2]!)).participants_agents, [desk.agentC.userId], 'the freed slot takes the last one');
    assert.equal((await me(desk, desk.agentC)).number_assigned_requests, 2);
  });

  test('a member who connects gets the waiting requests; ignore_presence turned on routes to the unconnected', async () => {
    const desk = await createDesk(app.url);
    const pid = desk.projectId;
    await presenceOn(desk);
    const dep = await assigned(desk, 'Night', [desk.agentC, desk.agentD]);
    const first = (await ask(desk, dep)).request_id as string;
    assert.equal((await stored(desk, first)).status, 100, 'nobody connected: it waits');
    await connect(desk.agentC);
    await until(async () => (await stored(desk, first)).participants_agents[0] === desk.agentC.userId, 'C gets it on connecting', { everyMs: 20 });

    expectStatus(await desk.agentC.rest.put(`/${pid}/project_users`, { user_available: false }), 200);
    const second = (await ask(desk, dep)).request_id as string;
    assert.equal((await stored(desk, second)).status, 100, 'C away, D offline: it waits');
    expectStatus(await desk.owner.rest.put(`/projects/${pid}`, { settings: { ignore_presence: true } }), 200);
    assert.deepEqual((await stored(desk, second)).participants_agents, [desk.agentD.userId], 'presence ignored: D, not connected, takes it');
    assert.deepEqual((await ask(desk, dep)).participantsAgents, [desk.agentD.userId], 'and new requests go to D as well');
  });

  test('bad settings are 400 BODY_INVALID and change nothing', async () => {
    const desk = await createDesk(app.url);
    for (const settings of [{ default_handle_seconds: 5 }, { default_handle_seconds: 100_000 }, { default_handle_seconds: 30.5 }, { ignore_presence: 'no' }]) {
      const r = await desk.owner.rest.put(`/projects/${desk.projectId}`, { settings });
      assert.equal(r.status, 400, JSON.stringify(settings));
      assert.equal(r.body.error, 'BODY_INVALID');
    }
    const project = expectStatus(await desk.owner.rest.get(`/projects/${desk.projectId}`), 200);
    assert.equal(project.settings.default_handle_seconds, 300);
    assert.equal(project.settings.ignore_presence, true);
    assert.equal(expectStatus(await desk.owner.rest.put(`/projects/${desk.projectId}`, { settings: { default_handle_seconds: 120 } }), 200).settings.default_handle_seconds, 120);
  });
});
