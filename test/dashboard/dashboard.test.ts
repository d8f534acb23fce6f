/**
 * The supervisor dashboard as a person uses it, in Debian's headless Chromium against a real server: the owner signs
 * in with a password, a request created through REST shows up in the live queue within 2 s and moves the waiting
 * KPI and the charts; agent D, who belongs to no department, signs in and sees neither that request nor the
 * supervisor panels (test/dashboard/desk-views.test.ts covers the rest of the page).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { createDesk, newRequestId, type Desk, type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);
const skip = browserSkipReason();
const shots = resolve('.tmp/screenshots');
/** signUp() in test/support/desk.ts gives every desk member this password. */
const PASSWORD = 'correct horse battery';

describe('supervisor dashboard in headless Chromium', { skip }, () => {
  let app: TestApp;
  let desk: Desk;
  let browser: Browser;
  before(async () => {
    // Always built from the current source (about a second), so the test never runs against a stale build.
    await run('npm', ['run', '--silent', 'build:dashboard']);
    app = await startTestApp();
    desk = await createDesk(app.url);
    browser = await launchChromium();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await app?.closeAll();
  });

  /**
   * A fresh browser context (its own sessionStorage), signed in with a password (or a pasted token), on the desk's
   * project.
   */
  async function signIn(person: Person, options: { base?: string; pasteToken?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${options.base ?? app.url}/dashboard/`);
    if (options.pasteToken !== undefined) await page.fill('input[name=token]', options.pasteToken);
    else {
      await page.fill('input[name=email]', person.email);
      await page.fill('input[name=password]', PASSWORD);
    }
    await page.click('button[type=submit]');
    await page.locator('#app').waitFor({ state: 'visible', timeout: 5000 });
    await page.selectOption('#project', desk.projectId);
    await page.locator('#connection[data-state=open]').waitFor({ timeout: 5000 });
    // The requests snapshot is in once the queue has rendered a count.
    await page.locator('#queue[data-count]').waitFor({ state: 'attached', timeout: 5000 });
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
    return page;
  }

  async function visitorRequest(text: string): Promise<string> {
    const visitor = await desk.visitor('Vera');
    const rid = newRequestId(desk.projectId);
    expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text }), 201);
    return rid;
  }

  test('the owner signs in; a new request appears in the queue within 2 s and the waiting KPI and charts move', async () => {
    const page = await signIn(desk.owner);
    const waiting = page.locator('[data-kpi=waiting] .kpi-value');
    await page.waitForFunction(() => document.querySelector('[data-kpi=waiting] .kpi-value')?.textContent === '0', undefined, { timeout: 5000 });
    const drawsBefore = Number(await page.locator('#charts').getAttribute('data-draws'));

    // Markup in a visitor's message must arrive as text.
    const text = 'Help <img src=x onerror="document.body.dataset.pwned=1"> please';
    const rid = await visitorRequest(text);
    const row = page.locator(`#queue tr[data-request-id="${rid}"]`);
    await row.waitFor({ timeout: 2000 });
    assert.equal(await row.locator('td.text').textContent(), text);
    assert.equal(await row.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
    assert.equal(await row.locator('td').nth(2).textContent(), 'Support');

    // Metrics are pushed at most once a second: the KPI follows within a few.
    await page.waitForFunction(() => document.querySelector('[data-kpi=waiting] .kpi-value')?.textContent === '1', undefined, { timeout: 5000 });
    assert.equal(await waiting.textContent(), '1');
    assert.notEqual(await page.locator('[data-kpi=longest_wait] .kpi-value').textContent(), '–');
    await page.waitForFunction((n) => Number(document.getElementById('charts')?.dataset.draws) > n, drawsBefore, { timeout: 5000 });
    assert.equal(await page.locator('#charts canvas, #plan canvas').count() >= 4, true, 'four uPlot charts drawn');
    // A project minutes old has one interval of history: the axis is still the last 6 hours, not the data's span,
    // and the forecast says it has nothing to go on rather than drawing an empty plan as if it were one.
    const box = page.locator('[data-chart=arrivals]');
    assert.equal(Number(await box.getAttribute('data-x-max')) - Number(await box.getAttribute('data-x-min')), 6 * 3600);
    await page.locator('#plan[data-forecast-method]').waitFor({ state: 'attached', timeout: 5000 });
    assert.match((await page.locator('#plan').textContent())!, /No forecast yet/);

    // The agents table lists the desk, with load over the chat limit.
    await page.locator(`#agents tr[data-project-user="${desk.agentA.projectUserId}"]`).waitFor({ timeout: 5000 });
    assert.match((await page.locator(`#agents tr[data-project-user="${desk.agentA.projectUserId}"]`).textContent())!, /0 \/ 5/);

    // The staffing panel answers for another target on demand.
    await page.fill('input[name=target]', '90');
    await page.fill('input[name=within]', '30');
    await page.click('.staffing-form button');
    await page.locator('[data-staffing=answer] table, [data-staffing=answer] .note-error').first().waitFor({ timeout: 5000 });

    assert.match((await page.locator('#connection').textContent())!, /live · 0 reconnects/);
    await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
    await page.context().close();
  });

  test('agent D (no department) sees no pooled Support request, and no supervisor panel', async () => {
    const page = await signIn(desk.agentD);
    const hidden = await visitorRequest('Support pool only');
    // Then a conversation D takes part in (a desk member opening a request joins it): once that is on the page, the
    // earlier event has been through D's filter too, so its absence is a decision, not a delay.
    const own = newRequestId(desk.projectId);
    expectStatus(await desk.agentD.rest.post(`/${desk.projectId}/requests/${own}/messages`, { text: 'Proactive hello' }), 201);
    await page.locator(`tr[data-request-id="${own}"]`).waitFor({ timeout: 2000 });
    assert.equal(await page.locator(`tr[data-request-id="${hidden}"]`).count(), 0);
    assert.equal(await page.locator('#queue').getAttribute('data-count'), '0');

    // An agent's page has no supervisor panel at all (not one saying it is not for them), and their own state.
    for (const id of ['kpis', 'charts', 'agents', 'staffing']) assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} hidden`);
    assert.doesNotMatch((await page.locator('#app').textContent())!, /not available for your role/);
    await page.locator('#me[data-state=available]').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#metrics-note .note-error').count(), 0);
    await page.screenshot({ path: join(shots, 'dashboard-agent.png'), fullPage: true });
    await page.context().close();
  });

  test('a pasted token signs in; after a network cut the indicator counts a reconnect and the missed request shows', async () => {
    // The page reaches the server through a proxy the test can cut, as a laptop's network would drop.
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(app.url).port));
    await proxy.start();
    try {
      // A bare JWT, as copied from a JSON answer: the page adds the "JWT " scheme itself.
      const page = await signIn(desk.supervisor, { base: `http://127.0.0.1:${proxy.port}`, pasteToken: desk.supervisor.token.replace(/^JWT /, '') });
      assert.equal(await page.locator('#role').textContent(), 'supervisor');
      await proxy.cut();
      await page.locator('#connection[data-state=reconnecting]').waitFor({ timeout: 5000 });
      const missed = await visitorRequest('Written while the supervisor was offline');
      await proxy.start(); // the same port again
      await page.locator('#connection[data-state=open][data-reconnects="1"]').waitFor({ timeout: 10_000 });
      assert.match((await page.locator('#connection').textContent())!, /live · 1 reconnect$/);
      // The SDK resumed with since: the request created during the cut is in the queue without a reload.
      await page.locator(`#queue tr[data-request-id="${missed}"]`).waitFor({ timeout: 2000 });
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });
});
