/**
 * `/readyz` and `deskwire_dependency_up` tell the truth about the store and Redis: a node whose Redis is down is
 * ready but degraded (or not ready, by the operator's choice), and says so until Redis is back. (Without REDIS_URL:
 * test/http/prometheus.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { freePort, OwnRedis } from '../support/cluster.js';
import { signUp } from '../support/desk.js';
import { linkState, redisSkipReason } from '../support/redis.js';
import { expectStatus } from '../support/rest-client.js';
import { startApp, type App } from '../../src/app.js';
import type { Db } from '../../src/store/db.js';
import { openTestDb, testConfig } from '../support/test-app.js';

const skipReason = () => redisSkipReason('Redis readiness', 'these tests start their own redis-server');

async function readyz(app: App): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const response = await fetch(`${app.url}/readyz`);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

/** `deskwire_dependency_up{dependency="…"}`: its value, or null when the line is absent. */
async function dependencyUp(app: App, dependency: string): Promise<number | null> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const m = new RegExp(`^deskwire_dependency_up\\{dependency="${dependency}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

describe('readiness with Redis down and back', { skip: skipReason() }, () => {
  let redis: OwnRedis;
  let db: Db;
  let app: App;
  let strict: App;
  before(async () => {
    redis = new OwnRedis(await freePort());
    db = await openTestDb('pglite');
    // Two nodes on one store, with the two readiness policies; both start while their Redis is not running.
    app = await startApp(testConfig({ REDIS_URL: redis.url }), { db });
    strict = await startApp(testConfig({ REDIS_URL: redis.url, READY_REQUIRES_REDIS: 'true' }), { db });
  });
  after(async () => {
    await app.close();
    await strict.close();
    await db.close();
    await redis.stop();
  });

  test('started without Redis: ready but degraded, serving; ready without qualification once Redis is up', async () => {
    const down = await readyz(app);
    assert.equal(down.status, 200, 'a load balancer keeps the node');
    assert.equal(down.body.status, 'degraded');
    assert.deepEqual(down.body.degraded, ['redis']);
    assert.equal(down.body.redis.state, 'down');
    assert.deepEqual(down.body.store, { kind: 'pglite', state: 'up' });
    assert.equal(await dependencyUp(app, 'redis'), 0);
    assert.equal(await dependencyUp(app, 'store'), 1);
    // It serves: sign-up, sign-in, a write, a read and a handshake, all on this node's own limits.
    const owner = await signUp(app.url, 'owner');
    expectStatus(await owner.rest.post('/projects', { name: 'Degraded' }), 201);
    expectStatus(await owner.rest.get('/projects'), 200);
    const client = await TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(owner.token)}`);
    await client.close();

    await redis.start();
    await linkState(app.redis!, 'up');
    const up = await readyz(app);
    assert.equal(up.status, 200);
    assert.equal(up.body.status, 'ready');
    assert.deepEqual(up.body.degraded, []);
    assert.equal(up.body.redis.state, 'up');
    assert.ok(Date.parse(up.body.redis.since) <= Date.now());
    assert.equal(await dependencyUp(app, 'redis'), 1);

    await redis.stop();
    await linkState(app.redis!, 'down');
    assert.equal((await readyz(app)).body.status, 'degraded', 'and degraded again when it goes');
  });

  test('READY_REQUIRES_REDIS: not ready while Redis is down, with REDIS_UNAVAILABLE and Retry-After', async () => {
    await linkState(strict.redis!, 'down');
    const { status, retryAfter, body } = await readyz(strict);
    assert.equal(status, 503);
    assert.equal(retryAfter, '1');
    assert.equal(body.error, 'REDIS_UNAVAILABLE');
    assert.equal(body.status, 'not_ready');
    assert.deepEqual(body.degraded, ['redis']);
  });
});
