/**
 * A server whose embedded store's worker thread stops (here: an uncaught error thrown in it, through the test-only
 * SIGUSR2 of NODE_ENV=test) does not hang on its store: it logs one fatal line naming the cause, sends its
 * Realtime clients away, releases its data directory and exits 1, so that its supervisor restarts it on the same
 * data, which a new process then opens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { embeddedEnv, spawnServer } from '../support/spawn-server.js';
import { emptyStoreAt } from '../support/store-template.js';
import { generousRequestBudgets } from '../support/test-app.js';

const root = mkdtempSync(join(tmpdir(), 'deskwire-store-worker-'));
after(() => rmSync(root, { recursive: true, force: true }));

const serve = (dataDir: string) =>
  spawnServer(
    process.execPath,
    ['bin/deskwire.js', 'serve'],
    embeddedEnv({ DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'info', PGLITE_THREAD: 'worker', ...generousRequestBudgets }),
    60_000,
  );

function openSocket(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('the store worker thread stops under a running server', { timeout: 120_000 }, () => {
  test('the node logs one fatal line, closes its clients with 1001, exits 1, and the data directory opens again', async () => {
    const dataDir = await emptyStoreAt(join(root, 'data'));
    const server = await serve(dataDir);
    try {
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const token = /ready owner token: (JWT \S+)/.exec(server.banner)![1]!;
      const ws = await openSocket(server.url, token);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

      server.child.kill('SIGUSR2');
      assert.equal(await server.exited, 1, 'a node without its store exits non-zero');
      assert.equal(await closed, 1001, 'its Realtime client is told to go elsewhere');
      const fatal = server
        .output()
        .stdout.split('\n')
        .filter((line) => line.includes('"level":60'));
      assert.equal(fatal.length, 1, `one fatal line:\n${server.output().stdout}`);
      assert.match(fatal[0]!, /the embedded store's worker thread stopped \(an uncaught error: store worker crash requested by a test\)[^"]*; exiting/);
    } finally {
      await server.stop('SIGKILL');
    }
    // The lock went with the process: a new one opens the directory and serves.
    const again = await serve(dataDir);
    try {
      assert.equal((await fetch(`${again.url}/readyz`)).status, 200);
    } finally {
      await again.stop();
    }
  });
});
