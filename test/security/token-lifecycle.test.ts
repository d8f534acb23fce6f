/**
 * A token that expires mid-connection (PROTOCOL §4, issue 4): `error` TOKEN_EXPIRED at `exp`, then close 4001 once
 * WS_TOKEN_EXPIRY_GRACE_MS has passed without a `refresh`; a refresh inside the grace keeps the connection and every
 * subscription, and an expired token opens nothing new while it waits.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { TestClient } from '../support/ws-client.js';
import { startHarness, type Harness } from '../support/realtime-harness.js';
import { subscribed } from '../support/realtime-world.js';

const GRACE_MS = 800;
let h: Harness;
let projectId: string;
let departmentId: string;
let admin: string;
before(async () => {
  h = await startHarness('pglite', { WS_TOKEN_EXPIRY_GRACE_MS: String(GRACE_MS), WS_HEARTBEAT_INTERVAL_MS: '200' });
  ({ projectId, departmentId } = await h.desk.project('Lifecycle'));
  admin = await h.desk.user('Ada');
  await h.desk.member(projectId, admin, 'admin');
});
after(() => h.close());

const open = async (ttlSeconds: number) => TestClient.connect(`${h.wsUrl}?token=${await h.token(admin, ttlSeconds)}`);

test('the grace is a named option defaulting to 30 s', () => {
  assert.equal(loadConfig({ NODE_ENV: 'test' }, {}).wsTokenExpiryGraceMs, 30_000);
});

test('unrefreshed: TOKEN_EXPIRED at exp, then 4001 only after the grace', async () => {
  const c = await open(1);
  const expired = await c.waitFor((f) => f.action === 'error', 'TOKEN_EXPIRED', { timeoutMs: 4000 });
  const warnedAt = Date.now();
  assert.equal(expired.payload.code, 'TOKEN_EXPIRED');
  assert.equal(c.closed, null, 'still open when warned');
  const closed = await c.waitForClose(GRACE_MS + 3000);
  assert.equal(closed.code, 4001);
  assert.ok(Date.now() - warnedAt >= GRACE_MS - 50, `closed ${Date.now() - warnedAt} ms after the warning, before the grace`);
});

test('refreshed within the grace: the same connection and its subscriptions carry on', async () => {
  const c = await open(1);
  const topic = `/${projectId}/requests`;
  await subscribed(c, topic);
  await c.waitFor((f) => f.action === 'error' && f.payload.code === 'TOKEN_EXPIRED', 'TOKEN_EXPIRED', { timeoutMs: 4000 });
  // While expired, nothing new opens.
  const other = `/${projectId}/project_users`;
  const from = c.frames.length;
  c.subscribe(other);
  assert.equal((await c.waitFor((f) => f.payload.topic === other, 'the refused subscribe', { from })).payload.code, 'TOKEN_EXPIRED');

  c.send({ action: 'refresh', payload: { token: `JWT ${await h.token(admin, 3600)}` } });
  await c.waitFor((f) => f.action === 'refresh', 'the refresh reply');
  const refreshedAt = Date.now();
  // Well past the grace: pings keep coming and the connection is open.
  await c.until(() => (Date.now() - refreshedAt > GRACE_MS + 400 ? true : undefined) && c.frames.filter((f) => f.payload.message?.text === 'ping').at(-1), 'pings past the grace', GRACE_MS + 3000);
  assert.equal(c.closed, null);
  const r = await h.desk.createRequest(projectId, { departmentId });
  await c.waitFor((f) => f.payload.topic === topic && f.payload.message?.request_id === r.request_id, 'a live event on the kept subscription');
  await c.close();
});
