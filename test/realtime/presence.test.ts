import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDesk, type Desk, type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClient } from './client.js';

describe('presence from Realtime connections (one node)', () => {
  let app: TestApp;
  let desk: Desk;
  before(async () => {
    app = await startTestApp('pglite', { PRESENCE_GRACE: '1s' });
    desk = await createDesk(app.url);
  });
  after(() => app.closeAll());

  const connect = (p: Person) => TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(p.token)}`);
  const presenceOf = async (p: Person) => expectStatus(await p.rest.get(`/${desk.projectId}/project_users/me`), 200).presence.status;

  test('online with the first connection, still online while one of two remains, offline a grace period after the last', async () => {
    const watcher = await connect(desk.supervisor);
    const topic = `/${desk.projectId}/project_users/${desk.agentB.projectUserId}`;
    watcher.subscribe(topic);
    await watcher.waitFor((f) => f.payload.topic === topic && f.payload.method === 'CREATE', 'the snapshot');
    const updates = () => watcher.publishes(topic).filter((f) => f.payload.method === 'UPDATE').map((f) => f.payload.message.presence.status);
    assert.equal(await presenceOf(desk.agentB), 'offline');

    const first = await connect(desk.agentB);
    await watcher.until(() => (updates().length === 1 ? true : undefined), 'the online UPDATE');
    assert.deepEqual(updates(), ['online']);
    const second = await connect(desk.agentB);
    await first.close();

    // A page reload: the last connection closes and a new one opens within the grace period.
    await second.close();
    const reloaded = await connect(desk.agentB);
    assert.equal(await presenceOf(desk.agentB), 'online');

    await reloaded.close();
    await watcher.until(() => (updates().length === 2 ? true : undefined), 'the offline UPDATE', 5000);
    assert.equal(await presenceOf(desk.agentB), 'offline');
    // A marker change of B's comes after every presence change written before it (seq order): none is still on its way.
    expectStatus(await desk.agentB.rest.put(`/${desk.projectId}/project_users`, { profileStatus: 'marker' }), 200);
    await watcher.until(() => (watcher.publishes(topic).some((f) => f.payload.message.profileStatus === 'marker') ? true : undefined), 'the marker');
    assert.deepEqual(updates().slice(0, -1), ['online', 'offline'], 'no flapping: one change each way');
    await watcher.close();
  });
});
