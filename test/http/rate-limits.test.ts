import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/app.js';
import { TestClient } from '../support/ws-client.js';
import { signUp } from '../support/desk.js';
import { expectStatus, Rest, type RestResponse } from '../support/rest-client.js';
import { clusterSkipReason, startInProcessCluster, type InProcessCluster } from '../support/in-process-cluster.js';
import { useDesk } from '../support/use-desk.js';
import { useApp } from '../support/use-app.js';

/** A refusal with the body PROTOCOL §1 describes, naming the limit, its value, the window and when to retry. */
function assertLimited(response: RestResponse, code: string, limit: string, max: number): void {
  assert.equal(response.status, 429, JSON.stringify(response.body));
  assert.equal(response.body.error, code);
  assert.equal(response.body.limit, limit);
  assert.equal(response.body.max, max);
  assert.equal(response.body.window_seconds, 60);
  assert.ok(response.body.retry_after_seconds >= 1 && response.body.retry_after_seconds <= 60);
}

/** GET with the response headers, which the Rest helper does not keep. */
async function getWithHeaders(url: string, token: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { headers: { authorization: token } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const wsUrl = (app: App, token: string) => `${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(token)}`;

async function refusedHandshake(url: string): Promise<RestResponse> {
  const error = await TestClient.connect(url).then(
    (c) => {
      void c.close();
      return null;
    },
    (e: { status?: number; body?: string }) => e,
  );
  assert.ok(error, 'the handshake must be refused');
  return { status: error.status!, body: JSON.parse(error.body!) };
}

describe('REST rate limits', () => {
  const suite = useApp('pglite', { USER_REQUESTS_PER_MINUTE: '8', REST_READS_PER_MINUTE: '3', REST_WRITES_PER_MINUTE: '2', REST_AUTH_PER_IP_PER_MINUTE: '1000' });

  test('reads: RateLimit headers count down, then 429 with Retry-After and the limit named; writes have their own budget', async () => {
    const user = await signUp(suite.app.url, 'reader');
    const counts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await getWithHeaders(`${suite.app.url}/projects`, user.token);
      assert.equal(r.status, 200);
      counts.push(`${r.headers.get('ratelimit-limit')}/${r.headers.get('ratelimit-remaining')}`);
      assert.ok(Number(r.headers.get('ratelimit-reset')) >= 1);
    }
    assert.deepEqual(counts, ['3/2', '3/1', '3/0']);
    const refused = await fetch(`${suite.app.url}/projects`, { headers: { authorization: user.token } });
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assertLimited({ status: refused.status, body: await refused.json() }, 'RATE_LIMITED', 'REST_READS_PER_MINUTE', 3);

    expectStatus(await user.rest.post('/projects', { name: 'one' }), 201);
    expectStatus(await user.rest.post('/projects', { name: 'two' }), 201);
    assertLimited(await user.rest.post('/projects', { name: 'three' }), 'RATE_LIMITED', 'REST_WRITES_PER_MINUTE', 2);
  });
});

describe('one budget per user for REST calls and new Realtime connections', () => {
  const suite = useApp('pglite', { USER_REQUESTS_PER_MINUTE: '8', REST_READS_PER_MINUTE: '1000', REST_WRITES_PER_MINUTE: '1000' });

  test('REST calls use up the budget of new connections', async () => {
    const caller = await signUp(suite.app.url, 'caller');
    for (let i = 0; i < 8; i++) expectStatus(await caller.rest.get('/projects'), 200);
    assertLimited(await refusedHandshake(wsUrl(suite.app, caller.token)), 'CONN_RATE_USER', 'USER_REQUESTS_PER_MINUTE', 8);
  });

  test('new connections use up the budget of REST calls', async () => {
    const connector = await signUp(suite.app.url, 'connector');
    const sockets = [];
    for (let i = 0; i < 8; i++) sockets.push(await TestClient.connect(wsUrl(suite.app, connector.token)));
    assertLimited(await connector.rest.get('/projects'), 'RATE_LIMITED', 'USER_REQUESTS_PER_MINUTE', 8);
    for (const s of sockets) await s.close();
  });
});

describe('sign-in and sign-up per client IP', () => {
  const suite = useApp('pglite', { REST_AUTH_PER_IP_PER_MINUTE: '3' });

  test('a few attempts per minute, then 429 even with the right password', async () => {
    const anonymous = new Rest(suite.app.url);
    const email = 'stuffed@test.deskwire';
    const password = 'correct horse battery';
    expectStatus(await anonymous.post('/auth/signup', { email, password, firstname: 'S' }), 201);
    assert.equal((await anonymous.post('/auth/signin', { email, password: 'wrong guess' })).status, 401);
    assert.equal((await anonymous.post('/auth/signin', { email, password: 'another guess' })).status, 401);
    assertLimited(await anonymous.post('/auth/signin', { email, password }), 'RATE_LIMITED', 'REST_AUTH_PER_IP_PER_MINUTE', 3);
  });
});

describe('per-project limit overrides', () => {
  const suite = useDesk('pglite', { REST_READS_PER_MINUTE: '1000', REST_WRITES_PER_MINUTE: '120', LIMIT_OVERRIDE_MAX_FACTOR: '2', WS_CONN_MAX_PER_PROJECT: '50' });

  test('the owner lowers the reads limit of the project: it applies to the next request, without a restart', async () => {
    const path = `/${suite.desk.projectId}/requests`;
    expectStatus(await suite.desk.agentA.rest.get(path), 200);
    const set = expectStatus(await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { rest_reads_per_minute: 2 }), 200);
    assert.deepEqual(set.rest_reads_per_minute, { override: 2, ceiling: 2000 });
    expectStatus(await suite.desk.agentA.rest.get(path), 200);
    expectStatus(await suite.desk.agentA.rest.get(path), 200);
    assertLimited(await suite.desk.agentA.rest.get(path), 'RATE_LIMITED', 'REST_READS_PER_MINUTE', 2);
    expectStatus(await suite.desk.agentA.rest.get('/projects'), 200); // routes outside the project keep the default

    expectStatus(await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { rest_reads_per_minute: null }), 200);
    expectStatus(await suite.desk.agentA.rest.get(path), 200);
  });

  test('overrides stay within the operator ceiling and only the owner sets them', async () => {
    const tooHigh = await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { rest_writes_per_minute: 100_000 });
    assert.equal(tooHigh.status, 400);
    assert.equal(tooHigh.body.error, 'BODY_INVALID');
    assert.equal(tooHigh.body.max, 240);
    assert.equal((await suite.desk.admin.rest.put(`/projects/${suite.desk.projectId}/limits`, { rest_writes_per_minute: 10 })).status, 403);
    assert.equal((await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { bogus: 1 })).status, 400);
    const view = expectStatus(await suite.desk.owner.rest.get(`/projects/${suite.desk.projectId}/limits`), 200);
    assert.equal(view.rest_writes_per_minute.override, null, 'nothing was written by the refused calls');
  });

  test('the open-connection limit of one project, overridden, applies to the next handshake', async () => {
    expectStatus(await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { ws_conn_max_per_project: 1 }), 200);
    const first = await TestClient.connect(wsUrl(suite.app, suite.desk.agentB.token));
    const refused = await refusedHandshake(wsUrl(suite.app, suite.desk.agentC.token));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error, 'CONN_LIMIT_PROJECT');
    assert.equal(refused.body.max, 1);
    await first.close();
    expectStatus(await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}/limits`, { ws_conn_max_per_project: null }), 200);
  });
});

describe('one budget across nodes (PostgreSQL and Redis)', { skip: clusterSkipReason() }, () => {
  let cluster: InProcessCluster;
  let nodes: { app: App }[];
  before(async () => {
    cluster = await startInProcessCluster(2, { USER_REQUESTS_PER_MINUTE: '6' });
    nodes = cluster.apps.map((app) => ({ app }));
  });
  after(() => cluster.close());

  test('calls on node A and connections on node B draw from the same budget', async () => {
    const user = await signUp(nodes[0]!.app.url, 'roamer');
    for (let i = 0; i < 3; i++) expectStatus(await user.rest.get('/projects'), 200);
    const sockets = [];
    for (let i = 0; i < 3; i++) sockets.push(await TestClient.connect(wsUrl(nodes[1]!.app, user.token)));
    assertLimited(await new Rest(nodes[1]!.app.url, user.token).get('/projects'), 'RATE_LIMITED', 'USER_REQUESTS_PER_MINUTE', 6);
    for (const s of sockets) await s.close();
  });
});
