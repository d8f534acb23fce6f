import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { useDesk } from '../support/use-desk.js';

describe('graceful drain', () => {
  const suite = useDesk('pglite', { WS_CONN_MAX_PER_USER: '100' });

  test('reports not-ready, refuses new connections with DRAINING, and closes the open ones with 1001 spread over the drain period', async () => {
    const wsUrl = `${suite.app.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(suite.desk.owner.token)}`;
    const clients = await Promise.all(Array.from({ length: 20 }, () => TestClient.connect(wsUrl)));
    const closedAt: number[] = [];
    for (const c of clients) c.ws.once('close', () => closedAt.push(Date.now()));

    const started = Date.now();
    const stopping = suite.app.close({ drainMs: 1500 });
    const ready = await fetch(`${suite.app.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).error, 'DRAINING');
    await assert.rejects(TestClient.connect(wsUrl), (error: { status?: number; body?: string }) => {
      assert.equal(error.status, 503);
      assert.match(error.body ?? '', /DRAINING/);
      return true;
    });

    const codes = await Promise.all(clients.map((c) => c.waitForClose(10_000)));
    await stopping;
    assert.deepEqual(new Set(codes.map((c) => c.code)), new Set([1001]));
    const spread = Math.max(...closedAt) - Math.min(...closedAt);
    assert.ok(spread >= 1000, `closes spread over ${spread} ms, not all at once`);
    assert.ok(Math.min(...closedAt) - started < 500, 'the first client is sent away at once');
  });
});
