import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const examples = resolve('examples');

/** Lines a child process prints, with a wait for the first line matching a pattern (deadline, no sleeps). */
function watchLines(stream: NodeJS.ReadableStream) {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  return {
    lines,
    waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (!line) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolvePromise(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; printed:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

describe('raw Realtime API examples', () => {
  let app: TestApp;
  let desk: Desk;
  before(async () => {
    app = await startTestApp('pglite');
    desk = await createDesk(app.url);
  });
  after(() => app.closeAll());

  test('node-raw.mjs prints the snapshot, then CREATE and the closing UPDATE of a request made through REST', async () => {
    const child = spawn(process.execPath, [join(examples, 'node-raw.mjs')], {
      env: { ...process.env, DESKWIRE_URL: app.url, DESKWIRE_TOKEN: desk.owner.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchLines(child.stdout!);
    const err = watchLines(child.stderr!);
    try {
      await out.waitFor(/^snapshot: \d+ open requests/).catch((e: Error) => {
        throw new Error(`${e.message}\nstderr:\n${err.lines.join('\n')}`);
      });
      const rid = newRequestId(desk.projectId);
      const visitor = await desk.visitor();
      expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'from the example test' }), 201);
      assert.match(await out.waitFor(new RegExp(`^CREATE ${rid} `)), /status=100 "from the example test"/);
      expectStatus(await desk.owner.rest.put(`/${desk.projectId}/requests/${rid}/close`), 200);
      await out.waitFor(new RegExp(`^UPDATE ${rid} status=1000`));
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = await exited;
      assert.equal(code, 0, 'Ctrl-C ends the example cleanly');
    }
  });

  test('browser-raw.html keeps a live list in Chromium: a new request appears, a closed one disappears', { skip: browserSkipReason() }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const fragment = new URLSearchParams({ token: desk.owner.token, project: desk.projectId, server: `${app.url.replace('http', 'ws')}/v2/ws/` });
      await page.goto(`${pathToFileURL(join(examples, 'browser-raw.html')).href}#${fragment}`);
      await page.waitForFunction(() => document.getElementById('log')!.textContent!.includes('snapshot:'), undefined, { timeout: 5000 });

      const rid = newRequestId(desk.projectId);
      const visitor = await desk.visitor();
      expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: '<b>not bold</b>' }), 201);
      const row = page.locator(`tr[data-request-id="${rid}"]`);
      await row.waitFor({ timeout: 2000 });
      assert.match(await row.innerText(), /<b>not bold<\/b>/, 'message text is shown as text, not HTML');
      assert.equal(await page.locator('#status').innerText(), 'connected');
      const shots = resolve('.tmp', 'screenshots');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'browser-raw.png') });

      expectStatus(await desk.owner.rest.put(`/${desk.projectId}/requests/${rid}/close`), 200);
      await row.waitFor({ state: 'detached', timeout: 2000 });
    } finally {
      await browser.close();
    }
  });
});
