/**
 * Live metrics on a cluster: a change made through node A reaches a `/P/metrics` subscriber on node B, and every
 * node computes the same object from the shared store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { clusterSkipReason, startInProcessCluster, type InProcessCluster } from '../support/in-process-cluster.js';

describe('live metrics across nodes', { skip: clusterSkipReason() }, () => {
  let cluster: InProcessCluster;
  let nodes: { app: InProcessCluster['apps'][number] }[];
  let desk: Desk;

  before(async () => {
    cluster = await startInProcessCluster(2);
    nodes = cluster.apps.map((app) => ({ app }));
    desk = await createDesk(nodes[0]!.app.url);
  });
  after(() => cluster.close());

  test('a request started on node A shows in the metrics pushed by node B within 2 s; both nodes answer the same', async () => {
    const [a, b] = nodes.map(({ app }) => app);
    const topic = `/${desk.projectId}/metrics`;
    const client = await TestClient.connect(`${b!.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.supervisor.token)}`);
    client.subscribe(topic);
    const snap = await client.waitFor((f) => f.payload.topic === topic, 'the snapshot');
    assert.equal(snap.payload.method, 'CREATE');
    const waiting = snap.payload.message.now.waiting as number;

    const visitor = expectStatus(await new Rest(a!.url).post('/auth/signinAnonymously', { id_project: desk.projectId }), 200);
    const rid = newRequestId(desk.projectId);
    expectStatus(await new Rest(a!.url, visitor.token).post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'hello' }), 201);
    await client.waitFor((f) => f.payload.topic === topic && f.payload.method === 'UPDATE' && f.payload.message.now.waiting === waiting + 1, 'the UPDATE on node B', {
      timeoutMs: 2000,
    });

    const [onA, onB] = await Promise.all([a, b].map(async (node) => expectStatus(await new Rest(node!.url, desk.owner.token).get(`/${desk.projectId}/metrics`), 200)));
    const stable = (m: { now: Record<string, unknown>; windows: Record<string, Record<string, unknown>>; seq: number }) => ({
      seq: m.seq,
      waiting: m.now.waiting,
      agents: m.now.agents,
      arrivals: m.windows['60m']!.arrivals,
    });
    assert.deepEqual(stable(onB), stable(onA));
    await client.close();
  });
});
