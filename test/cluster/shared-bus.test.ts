import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { clusterSkipReason, startInProcessCluster, type InProcessCluster } from '../support/in-process-cluster.js';

describe('nodes sharing PostgreSQL and the Redis bus', { skip: clusterSkipReason() }, () => {
  let cluster: InProcessCluster;
  let nodes: { app: InProcessCluster['apps'][number] }[];
  let desk: Desk;

  before(async () => {
    cluster = await startInProcessCluster(3, { WS_CONN_MAX_PER_USER: '3', PRESENCE_GRACE: '1s' });
    nodes = cluster.apps.map((app) => ({ app }));
    desk = await createDesk(nodes[0]!.app.url);
  });
  after(() => cluster.close());

  test('changes made through REST on node A reach subscribers on nodes B and C exactly once, in seq order', async () => {
    const topic = `/${desk.projectId}/requests`;
    const token = encodeURIComponent(desk.owner.token);
    const clients = await Promise.all(nodes.slice(1).map(({ app }) => TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${token}`)));
    for (const c of clients) {
      c.subscribe(topic);
      await c.waitFor((f) => f.action === 'publish' && f.payload.topic === topic, 'the snapshot');
    }
    const onA = new Rest(nodes[0]!.app.url, desk.owner.token);
    const rids = Array.from({ length: 20 }, () => newRequestId(desk.projectId));
    for (const rid of rids) expectStatus(await onA.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'hi' }), 201);
    for (const c of clients) {
      const creates = await c.waitForCount((f) => f.payload.topic === topic && f.payload.method === 'CREATE' && !Array.isArray(f.payload.message), 20, 'CREATEs');
      assert.deepEqual(creates.map((f) => f.payload.message.request_id), rids);
      const seqs = c.publishes(topic).map((f) => f.payload.seq!);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
      assert.equal(new Set(seqs).size, seqs.length, 'none twice');
      await c.close();
    }
  });

  test('a per-user connection limit holds across the nodes, not per node', async () => {
    const token = encodeURIComponent(desk.supervisor.token);
    const urls = nodes.map(({ app }) => `${app.url.replace('http', 'ws')}/v2/ws/?token=${token}`);
    const held = await Promise.all(urls.map((url) => TestClient.connect(url)));
    for (const url of urls) {
      await assert.rejects(TestClient.connect(url), (error: { status?: number; body?: string }) => {
        assert.equal(error.status, 429);
        assert.equal(JSON.parse(error.body!).error, 'CONN_LIMIT_USER');
        return true;
      });
    }
    await held[0]!.close();
    // The slot comes back once the server has seen the TCP close: poll for it, a few times at most (each refused
    // attempt also counts against the per-user connection rate).
    let reopened: TestClient | null = null;
    for (let attempt = 0; !reopened && attempt < 10; attempt++) {
      reopened = await TestClient.connect(urls[2]!).catch(() => null);
      if (!reopened) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(reopened, 'a released slot can be used on another node');
    for (const c of [reopened, held[1]!, held[2]!]) await c.close();
  });

  test('an agent with connections on two nodes stays online while one remains, and goes offline a grace period after the last', async () => {
    const agent = desk.agentA;
    const topic = `/${desk.projectId}/project_users/${agent.projectUserId}`;
    const watcher = await TestClient.connect(`${nodes[0]!.app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.owner.token)}`);
    watcher.subscribe(topic);
    await watcher.waitFor((f) => f.payload.topic === topic && f.payload.method === 'CREATE', 'the snapshot');
    const changes = () => watcher.publishes(topic).filter((f) => f.payload.method === 'UPDATE').map((f) => f.payload.message.presence.status);

    const token = encodeURIComponent(agent.token);
    const onB = await TestClient.connect(`${nodes[1]!.app.url.replace('http', 'ws')}/v2/ws/?token=${token}`);
    await watcher.until(() => (changes().length === 1 ? true : undefined), 'online');
    const onC = await TestClient.connect(`${nodes[2]!.app.url.replace('http', 'ws')}/v2/ws/?token=${token}`);
    await onB.close();
    // Node B's grace period passes while C still holds a connection: B must not turn the agent offline.
    const marker = async (text: string) => {
      expectStatus(await agent.rest.put(`/${desk.projectId}/project_users`, { profileStatus: text }), 200);
      await watcher.until(() => (watcher.publishes(topic).some((f) => f.payload.message.profileStatus === text) ? true : undefined), text);
    };
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than PRESENCE_GRACE: the case under test is time passing
    await marker('after-grace');
    assert.deepEqual(changes().filter((s, i, all) => i === 0 || s !== all[i - 1]), ['online'], 'still online');

    await onC.close();
    await watcher.until(() => (changes().at(-1) === 'offline' ? true : undefined), 'offline', 5000);
    await marker('end');
    assert.deepEqual(changes().filter((s, i, all) => i === 0 || s !== all[i - 1]), ['online', 'offline']);
    await watcher.close();
  });
});

describe('a node shutting down in a cluster', { skip: clusterSkipReason() }, () => {
  test('gives back the presence counts of its connections before it closes its Redis clients', async () => {
    const cluster = await startInProcessCluster(2, { PRESENCE_GRACE: '1s', WS_CONN_MAX_PER_USER: '20' });
    try {
      const [stays, leaves] = cluster.apps as [InProcessCluster['apps'][number], InProcessCluster['apps'][number]];
      const desk = await createDesk(stays.url);
      const people = [desk.owner, desk.supervisor, desk.agentA, desk.agentB, desk.agentC];
      const clients: TestClient[] = [];
      for (const person of people) {
        const url = `${leaves.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(person.token)}`;
        clients.push(...(await Promise.all(Array.from({ length: 8 }, () => TestClient.connect(url)))));
      }
      const counted = async () => (await Promise.all(people.map((p) => stays.limits.held('PRESENCE', p.userId)))).reduce((a, b) => a + b, 0);
      const deadline = Date.now() + 5000;
      while ((await counted()) !== clients.length) {
        assert.ok(Date.now() < deadline, 'every connection is counted in the shared store');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The node closes with its clients still connected: their counts must not outlive it in Redis.
      await leaves.close();
      assert.equal(await counted(), 0);
      await Promise.all(clients.map((c) => c.close()));
    } finally {
      await cluster.close();
    }
  });
});
