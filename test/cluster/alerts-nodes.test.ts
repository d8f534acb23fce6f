/**
 * Alerts on a cluster: two nodes that both follow a project's `/P/alerts` evaluate the same change at the same time,
 * and the alert is raised once (one row, one CREATE on each node's subscriber), then cleared once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient, type Frame } from '../support/ws-client.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { clusterSkipReason, startInProcessCluster, type InProcessCluster } from '../support/in-process-cluster.js';

describe('alerts across nodes', { skip: clusterSkipReason() }, () => {
  let cluster: InProcessCluster;
  let desk: Desk;

  before(async () => {
    cluster = await startInProcessCluster(2);
    desk = await createDesk(cluster.apps[0]!.url);
  });
  after(() => cluster.close());

  test('both nodes evaluate the same requests; each subscriber gets one CREATE and one UPDATE, the store holds one alert', async () => {
    const [a, b] = cluster.apps;
    const pid = desk.projectId;
    const topic = `/${pid}/alerts`;
    // Nobody holds a connection as an agent and presence counts: requests wait.
    const alerts = { waiting_above: 1, longest_wait_above_seconds: null, service_level_below_target: false, forecast_shortfall: false };
    expectStatus(await desk.owner.rest.put(`/projects/${pid}`, { settings: { ignore_presence: false, alerts } }), 200);
    const clients = await Promise.all(
      [a, b].map(async (node) => {
        const c = await TestClient.connect(`${node!.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.supervisor.token)}&capabilities=delete`);
        c.subscribe(topic);
        await c.waitFor((f) => f.payload?.topic === topic && f.payload.method === 'CREATE' && Array.isArray(f.payload.message), 'the snapshot');
        return c;
      }),
    );
    const visitor = expectStatus(await new Rest(a!.url).post('/auth/signinAnonymously', { id_project: pid }), 200);
    const rids = [newRequestId(pid), newRequestId(pid)];
    for (const rid of rids) expectStatus(await new Rest(a!.url, visitor.token).post(`/${pid}/requests/${rid}/messages`, { text: 'hello' }), 201);
    // Both nodes also evaluate on GET, at the same moment as their publishers.
    await Promise.all([a, b].map(async (node) => expectStatus(await new Rest(node!.url, desk.supervisor.token).get(`/${pid}/alerts`), 200)));

    const isAlert = (method: string) => (f: Frame) => f.action === 'publish' && f.payload.topic === topic && f.payload.method === method && !Array.isArray(f.payload.message);
    const raised = await Promise.all(clients.map((c) => c.waitFor(isAlert('CREATE'), 'the raise')));
    assert.equal(raised[0]!.payload.message.id, raised[1]!.payload.message.id);

    // Clearing is the barrier: once both subscribers have the UPDATE, any second raise would have arrived before it.
    expectStatus(await desk.owner.rest.put(`/${pid}/requests/${rids[0]}/close`, { force: true }), 200);
    await Promise.all(clients.map((c) => c.waitFor(isAlert('UPDATE'), 'the clear')));
    for (const c of clients) {
      assert.deepEqual(c.frames.filter(isAlert('CREATE')).length, 1, c.describe());
      assert.deepEqual(c.frames.filter(isAlert('UPDATE')).length, 1, c.describe());
    }
    const all = expectStatus(await new Rest(b!.url, desk.owner.token).get(`/${pid}/alerts?state=all`), 200);
    assert.deepEqual(all.alerts.map((x: { id: string; state: string }) => [x.id, x.state]), [[raised[0]!.payload.message.id, 'cleared']]);
    for (const c of clients) await c.close();
  });
});
