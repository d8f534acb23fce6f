import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { useDesk } from '../support/use-desk.js';
import { Waiters } from '../support/waiters.js';

const examples = resolve('examples');

/** Lines a child process prints, with a wait for the first line matching a pattern (deadline, no sleeps). */
function watchLines(stream: NodeJS.ReadableStream) {
  const lines: string[] = [];
  const waiters = new Waiters(() => `printed:\n${lines.join('\n')}`);
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    waiters.changed();
  });
  return {
    lines,
    waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      return waiters.until(() => lines.find((l) => pattern.test(l)) || undefined, `a line matching ${pattern}`, timeoutMs);
    },
  };
}

describe('Realtime API examples', () => {
  const suite = useDesk();

  /** Runs an example as its README says, with the test server's URL and a token; stops it with Ctrl-C at the end. */
  function runExample(file: string, token: string, args: string[] = []) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(examples, file), ...args], {
      env: { ...process.env, DESKWIRE_URL: suite.app.url, DESKWIRE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchLines(child.stdout!);
    const err = watchLines(child.stderr!);
    return {
      out,
      waitFor: (pattern: RegExp, timeoutMs?: number) =>
        out.waitFor(pattern, timeoutMs).catch((e: Error) => {
          throw new Error(`${e.message}\nstderr:\n${err.lines.join('\n')}`);
        }),
      async stop() {
        const exited = once(child, 'exit');
        child.kill('SIGINT');
        const [code] = await exited;
        assert.equal(code, 0, `${file} ends cleanly on Ctrl-C`);
      },
    };
  }

  test('sdk-live-list.ts keeps the open requests and the agents in sync', async () => {
    const run = runExample('sdk-live-list.ts', suite.desk.owner.token);
    try {
      const ready = await run.waitFor(/^ready: \d+ open requests/);
      const before = Number(/ready: (\d+)/.exec(ready)![1]);
      await run.waitFor(/^agents: .*agentA/);
      const rid = newRequestId(suite.desk.projectId);
      const visitor = await suite.desk.visitor();
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'for the live list' }), 201);
      await run.waitFor(new RegExp(`^requests: ${before + 1} open after create ${rid}`));
      expectStatus(await suite.desk.owner.rest.put(`/${suite.desk.projectId}/requests/${rid}/close`), 200);
      await run.waitFor(new RegExp(`^requests: ${before} open after update ${rid}`));
    } finally {
      await run.stop();
    }
  });

  test('follow-conversation.ts shows the conversation and its own reply arriving live', async () => {
    const rid = newRequestId(suite.desk.projectId);
    const visitor = await suite.desk.visitor('Vic');
    expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'My order is late' }), 201);
    const run = runExample('follow-conversation.ts', suite.desk.owner.token, [suite.desk.projectId, rid]);
    try {
      await run.waitFor(new RegExp(`^request ${rid}: status 100`));
      await run.waitFor(/^ {2}Vic.*: My order is late$/);
      await run.waitFor(/^new message \(seq \d+\) owner Test: Thanks, I am looking into it\.$/);
    } finally {
      await run.stop();
    }
  });

  test('capacity.ts prints the live metrics and the staffing estimate as they change', async () => {
    const run = runExample('capacity.ts', suite.desk.owner.token, [suite.desk.projectId]);
    try {
      const first = await run.waitFor(/^waiting \d+ /);
      const waiting = Number(/^waiting (\d+)/.exec(first)![1]);
      assert.match(first, /agents \d+ available \/ \d+ busy/);
      const visitor = await suite.desk.visitor();
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${newRequestId(suite.desk.projectId)}/messages`, { text: 'capacity?' }), 201);
      await run.waitFor(new RegExp(`^waiting ${waiting + 1} `));
    } finally {
      await run.stop();
    }
  });

  test('node-raw.mjs prints the snapshot, then CREATE and the closing UPDATE of a request made through REST', async () => {
    const child = spawn(process.execPath, [join(examples, 'node-raw.mjs')], {
      env: { ...process.env, DESKWIRE_URL: suite.app.url, DESKWIRE_TOKEN: suite.desk.owner.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchLines(child.stdout!);
    const err = watchLines(child.stderr!);
    try {
      await out.waitFor(/^snapshot: \d+ open requests/).catch((e: Error) => {
        throw new Error(`${e.message}\nstderr:\n${err.lines.join('\n')}`);
      });
      const rid = newRequestId(suite.desk.projectId);
      const visitor = await suite.desk.visitor();
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'from the example test' }), 201);
      assert.match(await out.waitFor(new RegExp(`^CREATE ${rid} `)), /status=100 "from the example test"/);
      expectStatus(await suite.desk.owner.rest.put(`/${suite.desk.projectId}/requests/${rid}/close`), 200);
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
      const fragment = new URLSearchParams({ token: suite.desk.owner.token, project: suite.desk.projectId, server: `${suite.app.url.replace('http', 'ws')}/v2/ws/` });
      await page.goto(`${pathToFileURL(join(examples, 'browser-raw.html')).href}#${fragment}`);
      await page.waitForFunction(() => document.getElementById('log')!.textContent!.includes('snapshot:'), undefined, { timeout: 5000 });

      const rid = newRequestId(suite.desk.projectId);
      const visitor = await suite.desk.visitor();
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: '<b>not bold</b>' }), 201);
      const row = page.locator(`tr[data-request-id="${rid}"]`);
      await row.waitFor({ timeout: 2000 });
      assert.match(await row.innerText(), /<b>not bold<\/b>/, 'message text is shown as text, not HTML');
      assert.equal(await page.locator('#status').innerText(), 'connected');
      const shots = resolve('.tmp', 'screenshots');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'browser-raw.png') });

      expectStatus(await suite.desk.owner.rest.put(`/${suite.desk.projectId}/requests/${rid}/close`), 200);
      await row.waitFor({ state: 'detached', timeout: 2000 });
    } finally {
      await browser.close();
    }
  });
});
