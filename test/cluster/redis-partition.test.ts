/**
 * Redis faults that concern one node at a time, in-process on PostgreSQL with a redis-server of the test's own: what
 * the bus could not carry during an outage is made good when it returns (a disabled user's connections close), and
 * a node cut off alone puts back the presence the others took from its users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type App } from '../../src/app.js';
import { TestClient } from '../support/ws-client.js';
import { freePort, OwnRedis } from '../support/cluster.js';
import { createDesk } from '../support/desk.js';
import { startInProcessCluster, type InProcessCluster } from '../support/in-process-cluster.js';
import { linkState } from '../support/redis.js';
import { expectStatus } from '../support/rest-client.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestSchema, postgresSkipReason, testConfig, type TestSchema } from '../support/test-app.js';
import { overHttp, until } from '../support/until.js';

describe('a user disabled while Redis is down', { skip: postgresSkipReason(), timeout: 60_000 }, () => {
  let redis: OwnRedis;
  let cluster: InProcessCluster;
  before(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    cluster = await startInProcessCluster(2, { REDIS_URL: redis.url });
  });
  after(async () => {
    await cluster.close();
    await redis.stop();
  });

  test('loses their connections on the other node as soon as the bus is back', async () => {
    const [a, b] = cluster.apps as [InProcessCluster['apps'][number], InProcessCluster['apps'][number]];
    const desk = await createDesk(a.url);
    const socket = await TestClient.connect(`${a.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.agentD.token)}`);
    // Their connection's presence change is itself an event about them that node A re-checks them on: let it pass.
    const me = `/${desk.projectId}/project_users/me`;
    await until(async () => expectStatus(await desk.agentD.rest.get(me), 200).presence.status === 'online', 'agent D online', overHttp);
    await redis.stop();
    await Promise.all([linkState(a.redis!, 'down'), linkState(b.redis!, 'down')]);
    // Disabled through node B: the event that tells node A never crosses the bus.
    await b.services.auth.disableUser(desk.agentD.userId);
    assert.equal(socket.closed, null, 'still open while nothing can tell node A');
    await redis.start();
    const closed = await socket.waitForClose(10_000);
    assert.equal(closed.code, 4003);
  });
});

describe('one node cut off from Redis for longer than NODE_LIVENESS', { skip: postgresSkipReason(), timeout: 60_000 }, () => {
  let redis: OwnRedis;
  let proxy: TcpProxy;
  let schema: TestSchema;
  const apps: App[] = [];
  const dbs: { close(): Promise<void> }[] = [];
  before(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    proxy = new TcpProxy('127.0.0.1', redis.port);
    await proxy.start();
    schema = await createTestSchema();
    const common = { JWT_SECRET: 'partition-secret-'.padEnd(48, 'x'), NODE_LIVENESS: '2s', PRESENCE_GRACE: '1s' };
    // Node A reaches Redis through a proxy the test can cut; node B directly.
    for (const url of [`redis://127.0.0.1:${proxy.port}`, redis.url]) {
      const db = schema.connect();
      dbs.push(db);
      apps.push(await startApp(testConfig({ ...common, REDIS_URL: url }), { db }));
    }
  });
  after(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.close();
    await proxy.close();
    await redis.stop();
    await schema.drop();
  });

  test('the others may turn its users offline meanwhile; it writes them online again when it is back', async () => {
    const [a, b] = apps as [App, App];
    const desk = await createDesk(b.url);
    const presence = async () => expectStatus(await desk.agentA.rest.get(`/${desk.projectId}/project_users/me`), 200).presence.status as string;
    const socket = await TestClient.connect(`${a.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.agentA.token)}`);
    await until(async () => (await presence()) === 'online', 'agent A online', overHttp);
    await proxy.cut();
    await linkState(a.redis!, 'down');
    // Node B still has Redis, where node A stopped announcing itself: to B, A's connections are gone.
    await until(async () => (await presence()) === 'offline', 'agent A offline, seen from node B', { ...overHttp, timeoutMs: 15_000 });
    await proxy.start();
    await linkState(a.redis!, 'up');
    await until(async () => (await presence()) === 'online', 'agent A online again, written by node A', overHttp);
    await socket.close();
  });
});
