/**
 * Reaching data one may not see, by every door: across projects, another agent's request through the snapshot, live
 * events, a replay with `since` and REST; a visitor's token on the Realtime API; frames injected with
 * `publish`/`broadcast`; topic strings that try to walk out of their project. None may get anything.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { startHarness, type Harness } from '../support/realtime-harness.js';
import { assign, connect, makeDesk, post, startRequest, subscribed, type Desk, type Person } from '../support/realtime-world.js';

let h: Harness;
let d: Desk;
let q: Desk;
let visitor: Person;
before(async () => {
  h = await startHarness('pglite', { WS_FRAME_BURST: '1000' });
  d = await makeDesk(h);
  q = await makeDesk(h);
  visitor = await d.visitor();
});
after(() => h.close());

const requests = (desk: Desk = d) => `/${desk.projectId}/requests`;
/** Every data frame that names `rid` anywhere: a leak is a leak whatever its shape (refusals echo the topic asked for). */
const mentions = (c: TestClient, rid: string): Frame[] => c.frames.filter((f) => f.action !== 'error' && JSON.stringify(f).includes(rid));

/** A new Support pool request, awaited on `c`'s `/P/requests`: everything published before it has arrived too. */
async function barrier(c: TestClient): Promise<void> {
  const rid = await startRequest(d, visitor, { text: 'marker' });
  await c.waitFor((f) => f.payload.topic === requests() && f.payload.message?.request_id === rid, `marker ${rid}`);
}

/** Subscribes and expects a refusal (SUBSCRIBE_FORBIDDEN or TOPIC_INVALID), never data. */
async function refusedTopic(c: TestClient, topic: string): Promise<string> {
  const from = c.frames.length;
  c.subscribe(topic);
  // Topics too long to echo come back without one; the next error or snapshot answers this subscribe.
  const f = await c.waitFor((x) => x.action === 'error' || x.payload?.topic === topic, `an answer for ${topic.slice(0, 60)}`, { from });
  assert.equal(f.action, 'error', `${topic.slice(0, 80)} was served`);
  return f.payload.code as string;
}

test("agent A cannot read a request routed to agent C: not by snapshot, live events, replay with since, or REST", async () => {
  const a = await connect(h, d.agentA);
  const first = await subscribed(a, requests());
  const since = first.payload.seq!;
  // Sales routes on arrival to its only agent, C: A (Support) never had a claim on it.
  const rid = await startRequest(d, visitor, { departmentid: d.salesId, text: 'secret question' });
  await post(d, d.agentC, rid, 'secret answer');
  await assign(d, d.supervisor, rid, d.agentC);
  await barrier(a);
  assert.deepEqual(mentions(a, rid), [], 'no live event');

  const a2 = await connect(h, d.agentA);
  const snapshot = await subscribed(a2, requests());
  assert.ok(!JSON.stringify(snapshot).includes(rid), 'not in the snapshot');
  assert.equal(await refusedTopic(a2, `${requests()}/${rid}`), 'SUBSCRIBE_FORBIDDEN');
  assert.equal(await refusedTopic(a2, `${requests()}/${rid}/messages`), 'SUBSCRIBE_FORBIDDEN');

  const a3 = await connect(h, d.agentA);
  a3.subscribe(requests(), { since, epoch: first.payload.epoch });
  await barrier(a3);
  assert.deepEqual(mentions(a3, rid), [], 'nothing in the replay');
  assert.ok(!JSON.stringify([a.frames, a2.frames, a3.frames]).includes('secret'), 'no content anywhere');

  expectStatus(await d.agentA.rest.get(`/${d.projectId}/requests/${rid}`), 404);
  expectStatus(await d.agentA.rest.get(`/${d.projectId}/requests/${rid}/messages`), 404);
  const list = expectStatus(await d.agentA.rest.get(`/${d.projectId}/requests`), 200);
  assert.ok(!JSON.stringify(list).includes(rid));
  // The control: C does see it, so the request and its events exist.
  const c = await connect(h, d.agentC);
  assert.equal((await subscribed(c, `${requests()}/${rid}/messages`)).action, 'publish');
  for (const x of [a, a2, a3, c]) await x.close();
});

test('another project: every topic of it is refused, and nothing of it arrives', async () => {
  const rq = await startRequest(q, await q.visitor());
  const c = await connect(h, d.owner);
  for (const topic of [requests(q), `${requests(q)}/${rq}`, `${requests(q)}/${rq}/messages`, `/${q.projectId}/project_users`, `/${q.projectId}/project_users/${q.owner.projectUserId}`]) {
    assert.equal(await refusedTopic(c, topic), 'SUBSCRIBE_FORBIDDEN', topic);
  }
  // Project Q's request addressed under project P's id.
  assert.equal(await refusedTopic(c, `${requests()}/${rq}`), 'SUBSCRIBE_FORBIDDEN');
  expectStatus(await d.owner.rest.get(`/${q.projectId}/requests/${rq}`), 404);
  expectStatus(await d.owner.rest.get(`/${d.projectId}/requests/${rq}`), 404);
  assert.deepEqual(mentions(c, rq), []);
  await c.close();
});

test('topic tricks that try to leave the project are refused before any lookup', async () => {
  const rq = await startRequest(q, await q.visitor());
  const c = await connect(h, d.owner);
  const P = d.projectId;
  const Q = q.projectId;
  const tricks = [
    `/${P}/../${Q}/requests`,
    `/${P}/requests/../../${Q}/requests`,
    `/${P}/./requests`,
    `/${P}%2F..%2F${Q}/requests`,
    `/${Q}%2Frequests`,
    `/${P}/requests/${rq}%2Fmessages`,
    `/${P}/requests%2F${rq}`,
    `//${Q}/requests`,
    `/${P}//requests`,
    `/${P}/requests/`,
    `/${P}/requests?project=${Q}`,
    `/${P}/requests#${Q}`,
    `/${P}/requests\u0000/${Q}`,
    `/${P}/requests\\..\\${Q}`,
    `/${P.toUpperCase()}/requests`,
    ` /${P}/requests`,
    `/${P}/requests/${'a'.repeat(15_000)}`,
    `/${'q'.repeat(15_000)}/requests`,
    '',
    '/',
    '*',
    `/${P}/*`,
  ];
  for (const topic of tricks) {
    const code = await refusedTopic(c, topic);
    assert.ok(['TOPIC_INVALID', 'SUBSCRIBE_FORBIDDEN'].includes(code), `${topic.slice(0, 80)}: ${code}`);
  }
  assert.deepEqual(c.frames.filter((f) => f.action === 'publish'), [], 'no data for any trick');
  assert.deepEqual(mentions(c, rq), []);
  assert.equal(c.closed, null);
  await c.close();
});

test("a visitor's token on the Realtime API reaches nothing beyond the visitor's own request", async () => {
  const other = await d.visitor('other');
  const othersRequest = await startRequest(d, other, { text: 'private' });
  const v = await connect(h, visitor);
  for (const topic of [requests(), `/${d.projectId}/project_users`, `${requests()}/${othersRequest}`, `${requests()}/${othersRequest}/messages`, `/${d.projectId}/project_users/${d.agentA.projectUserId}`]) {
    assert.equal(await refusedTopic(v, topic), 'SUBSCRIBE_FORBIDDEN', topic);
  }
  assert.deepEqual(mentions(v, othersRequest), []);
  await v.close();
});

test('client publish and broadcast frames are refused and reach no one', async () => {
  const watcher = await connect(h, d.admin);
  await subscribed(watcher, requests());
  const attacker = await connect(h, d.agentB);
  await subscribed(attacker, requests());
  const forged = { request_id: 'injected-request', status: 100, text: 'click here' };
  for (const action of ['publish', 'broadcast', 'PUBLISH']) {
    const from = attacker.frames.length;
    attacker.send({ action, payload: { topic: requests(), method: 'CREATE', message: forged } });
    const answer = await attacker.waitFor((f) => f.action === 'error', `an answer to ${action}`, { from });
    assert.equal(answer.payload.code, action === 'PUBLISH' ? 'ACTION_UNKNOWN' : 'ACTION_FORBIDDEN');
  }
  await barrier(watcher);
  await barrier(attacker);
  assert.deepEqual(mentions(watcher, 'injected-request'), []);
  assert.deepEqual(mentions(attacker, 'injected-request'), []);
  await watcher.close();
  await attacker.close();
});
