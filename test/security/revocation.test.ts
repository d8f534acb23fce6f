/**
 * Losing access (issue 4): a user disabled everywhere has every connection closed with 4003 at once, subscribed or
 * not; a member disabled in, or removed from, one project loses that project's subscriptions at once and keeps the
 * connection (they may belong to other projects).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { TestClient } from '../support/ws-client.js';
import { connect, connectAs, makeDesk, subscribed } from '../support/realtime-world.js';
import { useHarness } from '../support/use-harness.js';

const world = useHarness();

test('a user disabled everywhere: USER_DISABLED and close 4003 on every connection, at once; others unaffected', async () => {
  const { projectId } = await world.h.desk.project('Revoked');
  const [eve, bob] = [await world.h.desk.user('Eve'), await world.h.desk.user('Bob')];
  await world.h.desk.member(projectId, eve, 'agent');
  await world.h.desk.member(projectId, bob, 'agent');
  const subscribedConn = await connectAs(world.h, eve);
  await subscribed(subscribedConn, `/${projectId}/project_users`);
  const idle = await connectAs(world.h, eve);
  const bystander = await connectAs(world.h, bob);
  await subscribed(bystander, `/${projectId}/project_users`);
  const token = await world.h.token(eve);

  await world.h.app.services.auth.disableUser(eve);
  for (const c of [subscribedConn, idle]) {
    const closed = await c.waitForClose();
    assert.equal(closed.code, 4003);
    assert.equal(c.errors().at(-1)?.payload.code, 'USER_DISABLED');
  }
  const refused = await TestClient.connect(`${world.h.wsUrl}?token=${token}`).then(
    () => 'accepted',
    (e: { status?: number; body?: string }) => `${e.status} ${JSON.parse(e.body ?? '{}').error}`,
  );
  assert.equal(refused, '401 USER_DISABLED');
  bystander.send({ action: 'me' });
  await bystander.waitFor((f) => f.action === 'me', 'the bystander still served');
  assert.equal(bystander.closed, null);
  await bystander.close();
});

test("disabled in one project (REST) or removed from it: that project's subscriptions end at once, the connection stays", async () => {
  const d = await makeDesk(world.h);
  const c = await connect(world.h, d.agentA);
  const topic = `/${d.projectId}/requests`;
  await subscribed(c, topic);
  expectStatus(await d.owner.rest.put(`/${d.projectId}/project_users/${d.agentA.projectUserId}`, { status: 'disabled' }), 200);
  const dropped = await c.waitFor((f) => f.action === 'error' && f.payload.topic === topic, 'the subscription dropped');
  assert.equal(dropped.payload.code, 'SUBSCRIBE_FORBIDDEN');
  assert.equal((await subscribed(c, topic)).payload.code, 'SUBSCRIBE_FORBIDDEN', 'and it cannot come back');
  c.send({ action: 'me' });
  await c.waitFor((f) => f.action === 'me', 'still connected');
  assert.equal(c.closed, null);
  await c.close();

  const b = await connect(world.h, d.agentB);
  await subscribed(b, topic);
  await world.h.desk.removeMember(d.projectId, d.agentB.projectUserId);
  assert.equal((await b.waitFor((f) => f.action === 'error' && f.payload.topic === topic, 'dropped on removal')).payload.code, 'SUBSCRIBE_FORBIDDEN');
  assert.equal(b.closed, null);
  await b.close();
});
