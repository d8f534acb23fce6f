import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { TestClient } from '../support/ws-client.js';
import { useDesk } from '../support/use-desk.js';

describe('presence from Realtime connections (one node)', () => {
  const suite = useDesk('pglite', { PRESENCE_GRACE: '1s' });

  const connect = (p: Person) => TestClient.connect(`${suite.app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(p.token)}`);
  const presenceOf = async (p: Person) => expectStatus(await p.rest.get(`/${suite.desk.projectId}/project_users/me`), 200).presence.status;

  test('online with the first connection, still online while one of two remains, offline a grace period after the last', async () => {
    const watcher = await connect(suite.desk.supervisor);
    const topic = `/${suite.desk.projectId}/project_users/${suite.desk.agentB.projectUserId}`;
    watcher.subscribe(topic);
    await watcher.waitFor((f) => f.payload.topic === topic && f.payload.method === 'CREATE', 'the snapshot');
    const updates = () => watcher.publishes(topic).filter((f) => f.payload.method === 'UPDATE').map((f) => f.payload.message.presence.status);
    assert.equal(await presenceOf(suite.desk.agentB), 'offline');

    const first = await connect(suite.desk.agentB);
    await watcher.until(() => (updates().length === 1 ? true : undefined), 'the online UPDATE');
    assert.deepEqual(updates(), ['online']);
    const second = await connect(suite.desk.agentB);
    await first.close();

    // A page reload: the last connection closes and a new one opens within the grace period.
    await second.close();
    const reloaded = await connect(suite.desk.agentB);
    assert.equal(await presenceOf(suite.desk.agentB), 'online');

    await reloaded.close();
    await watcher.until(() => (updates().length === 2 ? true : undefined), 'the offline UPDATE', 5000);
    assert.equal(await presenceOf(suite.desk.agentB), 'offline');
    // A marker change of B's comes after every presence change written before it (seq order): none is still on its way.
    expectStatus(await suite.desk.agentB.rest.put(`/${suite.desk.projectId}/project_users`, { profileStatus: 'marker' }), 200);
    await watcher.until(() => (watcher.publishes(topic).some((f) => f.payload.message.profileStatus === 'marker') ? true : undefined), 'the marker');
    assert.deepEqual(updates().slice(0, -1), ['online', 'offline'], 'no flapping: one change each way');
    await watcher.close();
  });
  test('several users connecting at once: one online UPDATE each; leaving at once: one offline UPDATE each', async () => {
    const watcher = await connect(suite.desk.owner);
    const list = `/${suite.desk.projectId}/project_users`;
    watcher.subscribe(list);
    await watcher.waitFor((f) => f.payload.topic === list && f.payload.method === 'CREATE', 'the snapshot');
    const people = [suite.desk.admin, suite.desk.agentA, suite.desk.agentC, suite.desk.agentD];
    const ids = new Set(people.map((p) => p.projectUserId));
    const changes = () =>
      watcher
        .publishes(list)
        .filter((f) => f.payload.method === 'UPDATE' && ids.has(f.payload.message._id))
        .map((f) => `${f.payload.message._id}:${f.payload.message.presence.status}`);
    const each = (status: string) => people.map((p) => `${p.projectUserId}:${status}`).sort();

    const clients = await Promise.all(people.map(connect));
    await watcher.until(() => (changes().length >= people.length ? true : undefined), 'the online UPDATEs');
    assert.deepEqual([...changes()].sort(), each('online'));
    for (const p of people) assert.equal(await presenceOf(p), 'online');

    await Promise.all(clients.map((c) => c.close()));
    await watcher.until(() => (changes().length >= 2 * people.length ? true : undefined), 'the offline UPDATEs', 5000);
    assert.deepEqual(changes().slice(people.length).sort(), each('offline'));
    for (const p of people) assert.equal(await presenceOf(p), 'offline');
    // A marker written after them comes after every presence change (seq order): no late duplicate is on its way.
    expectStatus(await suite.desk.agentA.rest.put(`/${suite.desk.projectId}/project_users`, { profileStatus: 'marker-2' }), 200);
    await watcher.until(() => (watcher.publishes(list).some((f) => f.payload.message.profileStatus === 'marker-2') ? true : undefined), 'the marker');
    assert.equal(changes().length, 2 * people.length + 1, 'one change each way per user, then the marker');
    await watcher.close();
  });
});
