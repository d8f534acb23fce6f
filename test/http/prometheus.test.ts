import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { useDesk } from '../support/use-desk.js';

/** The value of one sample line of the Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('Prometheus /metrics', () => {
  const suite = useDesk();

  test('counts REST answers by route pattern, bus events by kind and open connections, and never shows ids or tokens', async () => {
    const scrape = async () => {
      const response = await fetch(`${suite.app.url}/metrics`);
      assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
      return response.text();
    };
    const before = await scrape();
    const route = { method: 'GET', route: '/:pid/requests', status: '200' };
    const wsBase = `${suite.app.url.replace('http', 'ws')}/v2/ws/?token=`;
    const client = await TestClient.connect(`${wsBase}${encodeURIComponent(suite.desk.owner.token)}`);
    const topic = `/${suite.desk.projectId}/requests`;
    client.subscribe(topic);
    await client.waitFor((f) => f.payload.topic === topic, 'the snapshot');
    for (let i = 0; i < 3; i++) expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests`), 200);
    const rid = newRequestId(suite.desk.projectId);
    expectStatus(await suite.desk.owner.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'hi' }), 201);
    await client.waitFor((f) => f.payload.message?.request_id === rid, 'the live event');
    assert.equal((await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests/nope`)).status, 404);
    await assert.rejects(TestClient.connect(`${wsBase}not-a-token`));
    const during = await scrape();
    await client.close();
    const afterClose = await scrape();

    assert.equal(sample(during, 'deskwire_http_requests_total', route) - sample(before, 'deskwire_http_requests_total', route), 3);
    assert.ok(sample(during, 'deskwire_bus_events_total', { kind: 'message' }) > sample(before, 'deskwire_bus_events_total', { kind: 'message' }));
    assert.equal(sample(during, 'deskwire_ws_connections'), 1);
    assert.equal(sample(during, 'deskwire_ws_subscriptions_by_kind', { kind: 'requests' }), 1);
    assert.ok(sample(during, 'deskwire_ws_deliveries_total') >= 1, 'the live event was delivered');
    assert.ok(sample(during, 'deskwire_event_commit_to_send_seconds_count') >= 1);
    assert.ok(sample(during, 'deskwire_ws_frames_in_total') >= 1 && sample(during, 'deskwire_ws_bytes_out_total') > 0);
    // Frames out are counted as plain numbers and read at scrape: they must still count up, never restart.
    const framesOut = sample(during, 'deskwire_ws_frames_out_total') - sample(before, 'deskwire_ws_frames_out_total');
    assert.ok(framesOut >= 2, `the snapshot and the live event count as frames out (counted ${framesOut})`);
    assert.ok(sample(afterClose, 'deskwire_ws_frames_out_total') >= sample(during, 'deskwire_ws_frames_out_total'));
    assert.ok(sample(afterClose, 'deskwire_ws_bytes_out_total') >= sample(during, 'deskwire_ws_bytes_out_total'));
    assert.equal(sample(during, 'deskwire_ws_handshake_refusals_total', { code: 'TOKEN_INVALID' }), 1);
    assert.equal(sample(during, 'deskwire_http_errors_total', { code: 'NOT_FOUND' }) - sample(before, 'deskwire_http_errors_total', { code: 'NOT_FOUND' }), 1);
    assert.equal(sample(afterClose, 'deskwire_ws_closes_total', { code: '1005' }) + sample(afterClose, 'deskwire_ws_closes_total', { code: '1000' }), 1, 'the close is counted by code');
    assert.ok(sample(during, 'deskwire_process_resident_memory_bytes') > 0, 'default process metrics are exported');
    assert.ok(!during.includes(suite.desk.projectId), 'labels hold route patterns, never ids');
    assert.ok(!during.includes(suite.desk.owner.token.slice(4, 40)), 'no token');
  });

  test('without REDIS_URL: /readyz is ready with the store up and Redis unused, and only the store has a gauge', async () => {
    const response = await fetch(`${suite.app.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ready', store: { kind: 'pglite', state: 'up' }, redis: { state: 'unused' }, degraded: [] });
    const text = await (await fetch(`${suite.app.url}/metrics`)).text();
    assert.equal(sample(text, 'deskwire_dependency_up', { dependency: 'store' }), 1);
    assert.doesNotMatch(text, /deskwire_dependency_up\{dependency="redis"\}/, 'no gauge for a dependency the node does not use');
  });
});
