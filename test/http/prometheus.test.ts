import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../realtime/client.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

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
  let app: TestApp;
  let desk: Desk;
  before(async () => {
    app = await startTestApp('pglite');
    desk = await createDesk(app.url);
  });
  after(() => app.closeAll());

  test('counts REST answers by route pattern, bus events by kind and open connections, and never shows ids or tokens', async () => {
    const scrape = async () => {
      const response = await fetch(`${app.url}/metrics`);
      assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
      return response.text();
    };
    const before = await scrape();
    const route = { method: 'GET', route: '/:pid/requests', status: '200' };
    const client = await TestClient.connect(`${app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.owner.token)}`);
    for (let i = 0; i < 3; i++) expectStatus(await desk.owner.rest.get(`/${desk.projectId}/requests`), 200);
    expectStatus(await desk.owner.rest.post(`/${desk.projectId}/requests/${newRequestId(desk.projectId)}/messages`, { text: 'hi' }), 201);
    const during = await scrape();
    await client.close();

    assert.equal(sample(during, 'deskwire_http_requests_total', route) - sample(before, 'deskwire_http_requests_total', route), 3);
    assert.ok(sample(during, 'deskwire_bus_events_total', { kind: 'message' }) > sample(before, 'deskwire_bus_events_total', { kind: 'message' }));
    assert.equal(sample(during, 'deskwire_ws_connections'), 1);
    assert.ok(sample(during, 'deskwire_process_resident_memory_bytes') > 0, 'default process metrics are exported');
    assert.ok(!during.includes(desk.projectId), 'labels hold route patterns, never ids');
    assert.ok(!during.includes(desk.owner.token.slice(4, 40)), 'no token');
  });
});
