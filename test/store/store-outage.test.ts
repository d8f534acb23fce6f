import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startApp, type App } from '../../src/app.js';
import { PostgresDb } from '../../src/store/pg-db.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { postgresSkipReason, testConfig } from '../support/test-app.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TestClient } from '../support/ws-client.js';

const skip = postgresSkipReason();

describe('PostgreSQL unreachable', { skip }, () => {
  let proxy: TcpProxy;
  let app: App;
  let desk: Desk;
  let db: PostgresDb;
  const schema = `deskwire_outage_${randomBytes(6).toString('hex')}`;
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1/test');

  before(async () => {
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.start();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    db = PostgresDb.connect(viaProxy.toString(), { schema });
    app = await startApp(testConfig(), { db });
    desk = await createDesk(app.url);
  });
  after(async () => {
    await app.close();
    await db.close();
    await proxy.close();
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  test('REST answers 503 STORE_UNAVAILABLE while the store is gone, subscriptions stay open, and both recover when it returns', async () => {
    const rid = newRequestId(desk.projectId);
    expectStatus(await desk.owner.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'before' }), 201);
    const topic = `/${desk.projectId}/requests/${rid}/messages`;
    const subscriber = await TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.owner.token)}`);
    subscriber.subscribe(topic);
    await subscriber.waitFor((f) => f.payload.topic === topic && Array.isArray(f.payload.message), 'the snapshot');

    await proxy.cut();
    const list = await desk.owner.rest.get(`/${desk.projectId}/requests`);
    assert.equal(list.status, 503);
    assert.equal(list.body.error, 'STORE_UNAVAILABLE');
    const write = await desk.owner.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'during' });
    assert.equal(write.status, 503);
    assert.equal(write.body.error, 'STORE_UNAVAILABLE');
    assert.equal((await desk.anonymous.get('/readyz')).status, 503);
    assert.equal((await desk.anonymous.get('/healthz')).status, 200, 'the process itself is still serving');

    await proxy.start();
    assert.equal((await desk.anonymous.get('/readyz')).status, 200);
    expectStatus(await desk.owner.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'after' }), 201);
    const messages = expectStatus(await desk.owner.rest.get(`/${desk.projectId}/requests/${rid}/messages`), 200);
    assert.deepEqual(
      messages.map((m: { text: string }) => m.text),
      ['before', 'after'],
      'the write refused during the outage left nothing behind',
    );
    const live = await subscriber.waitFor((f) => f.payload.topic === topic && f.payload.message?.text === 'after', 'the message written after the outage');
    assert.equal(live.payload.method, 'CREATE');
    assert.equal(subscriber.closed, null, 'the subscription stayed open through the outage');
    await subscriber.close();
  });
});
