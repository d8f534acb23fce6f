/**
 * The browser bundle (`npm run build:client` → dist/deskwire-client.js) in Debian's headless Chromium, against a
 * real server: the page imports the bundle as an ES module and uses the browser's own WebSocket.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { createDesk, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startConversation } from './desk-traffic.js';

const run = promisify(execFile);
const skip = browserSkipReason();

// The page's own script, as an integrator would write it: plain JavaScript against the bundle's exports. (Test code
// is handed to the page only as strings: tsx's transpiler would add helpers the page does not have.)
const page = `<!doctype html><meta charset="utf-8"><title>deskwire SDK</title>
<script type="module">
  import { connect } from './deskwire-client.js';
  window.follow = (url, token, topic) => {
    const state = { states: [], snapshots: 0, live: [], list: [] };
    window.state = state;
    // No WebSocket option: the browser's own is the default.
    const client = connect({ url, token });
    client.on('state', (s) => state.states.push(s.state));
    const list = client.liveList(topic);
    list.onChange((items) => (state.list = items.map((r) => ({ request_id: r.request_id, status: r.status }))));
    client.subscribe(topic, {
      onSnapshot: () => state.snapshots++,
      onCreate: (r, meta) => meta.snapshot || state.live.push({ type: 'create', request_id: r.request_id, status: r.status, seq: meta.seq }),
      onUpdate: (r, meta) => state.live.push({ type: 'update', request_id: r.request_id, status: r.status, seq: meta.seq }),
    });
  };
  window.ready = true;
</script>`;

/** Serves the page and the bundle from one origin, as an integrator's site would. */
async function serveStatic(bundle: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/deskwire-client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface PageState {
  states: string[];
  snapshots: number;
  live: { type: string; request_id: string; status: number; seq: number }[];
  list: { request_id: string; status: number }[];
}


describe('SDK browser bundle in headless Chromium', { skip }, () => {
  let app: TestApp;
  let desk: Desk;
  let browser: Browser;
  let site: Server;
  before(async () => {
    await run('npm', ['run', '--silent', 'build:client']);
    site = await serveStatic(readFileSync('dist/deskwire-client.js', 'utf8'));
    app = await startTestApp();
    desk = await createDesk(app.url);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.closeAll();
    site?.close();
  });

  test('the bundle imports nothing from Node and runs with the browser WebSocket', () => {
    const bundle = readFileSync('dist/deskwire-client.js', 'utf8');
    assert.doesNotMatch(bundle, /\brequire\(|from ["']node:|from ["']ws["']/);
    assert.match(bundle, /export\s*\{[^}]*\bconnect\b/);
  });

  test('a browser client receives the snapshot and live events into a live list', async () => {
    const visitor = await desk.visitor();
    const first = await startConversation(desk, visitor, 'from before the page');
    const tab = await browser.newPage();
    try {
      await tab.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
      await tab.waitForFunction('window.ready === true', undefined, { timeout: 10_000 });
      await tab.evaluate(`window.follow(${JSON.stringify(app.url)}, ${JSON.stringify(desk.owner.token)}, ${JSON.stringify(`/${desk.projectId}/requests`)})`);
      await tab.waitForFunction('window.state.snapshots === 1 && window.state.list.length === 1', undefined, { timeout: 10_000 });
      const state = () => tab.evaluate('window.state') as Promise<PageState>;
      assert.deepEqual((await state()).list, [{ request_id: first, status: 100 }]);

      const second = await startConversation(desk, visitor, 'while the page is open');
      expectStatus(await desk.agentA.rest.post(`/${desk.projectId}/requests/${second}/participants`, { member: desk.agentA.userId }), 200);
      expectStatus(await desk.agentA.rest.put(`/${desk.projectId}/requests/${first}/close`), 200);
      await tab.waitForFunction(
        `window.state.list.length === 1 && window.state.list[0].request_id === ${JSON.stringify(second)} && window.state.list[0].status === 200`,
        undefined,
        { timeout: 10_000 },
      );
      const final = await state();
      assert.deepEqual(final.states.slice(0, 2), ['connecting', 'open']);
      assert.deepEqual(final.live.filter((e) => e.request_id === second).slice(0, 2).map((e) => [e.type, e.status]), [['create', 100], ['update', 200]]);
      assert.ok(final.live.some((e) => e.request_id === first && e.type === 'update' && e.status === 1000), 'the close arrived as an UPDATE');
      const seqs = final.live.map((e) => e.seq);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each event once, in order');
    } finally {
      await tab.close();
    }
  });
});
