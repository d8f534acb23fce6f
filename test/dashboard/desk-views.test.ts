/**
 * Issue 21's dashboard, as a supervisor and an agent use it, in Debian's headless Chromium against a real server:
 * after a reload on an empty desk the charts come from the server's history (a fixed 6-hour axis, the imported
 * arrivals counted exactly), today's forecast against the actual and the next hours' plan match the forecast API;
 * during a surge the staffing table follows GET /:pid/metrics, a queue row opens its transcript live, and the page
 * fits 360 px; an agent sees their queue, their state and their switch, and no supervisor panel; an alert is raised
 * and cleared on the page. Screenshots go to .tmp/screenshots.
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
import { startTestApp, type TestApp } from '../support/test-app.js';
import { overHttp, until } from '../support/until.js';

const run = promisify(execFile);
const skip = browserSkipReason();
const shots = resolve('.tmp/screenshots');
const PASSWORD = 'correct horse battery';
const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
/** Imported into the last 5 hours: 3 arrivals in each of 20 intervals (one of them abandoned). */
const RECENT_INTERVALS = 20;
const RECENT_PER_INTERVAL = 3;
const SURGE = 6;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Eight days of history ending 7 hours ago (two arrivals an hour: enough for a forecast), then the last 5 hours at 3
 * arrivals per quarter, nothing in the hour between, so the 6-hour chart's count is exactly the recent part.
 */
function historyCsv(nowMs: number): string {
  const lines = ['created_at,first_response_at,closed_at,rating'];
  const current = Math.floor(nowMs / QUARTER) * QUARTER;
  for (let t = current - 8 * 24 * HOUR; t < current - 7 * HOUR; t += HOUR / 2) lines.push(`${iso(t + 60_000)},${iso(t + 90_000)},${iso(t + 6 * 60_000)},5`);
  for (let i = RECENT_INTERVALS; i >= 1; i -= 1) {
    const start = current - i * QUARTER;
    lines.push(`${iso(start + 60_000)},${iso(start + 80_000)},${iso(start + 5 * 60_000)},4`);
    lines.push(`${iso(start + 120_000)},${iso(start + 240_000)},${iso(start + 9 * 60_000)},`);
    lines.push(`${iso(start + 180_000)},,${iso(start + 300_000)},`); // left unanswered after 2 minutes
  }
  return lines.join('\n');
}

describe('the dashboard of issue 21: history, forecast, plan, live staffing, transcript, agent view, 360 px', { skip }, () => {
  let app: TestApp;
  let desk: Desk;
  let browser: Browser;
  const surge: string[] = [];
  before(async () => {
    await run('npm', ['run', '--silent', 'build:dashboard']);
    app = await startTestApp();
    desk = await createDesk(app.url);
    expectStatus(await desk.owner.rest.call('POST', `/${desk.projectId}/history/import`, historyCsv(Date.now()), { 'content-type': 'text/csv' }), 200);
    browser = await launchChromium();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await app?.closeAll();
  });

  async function signIn(person: Person, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/dashboard/`);
    await page.fill('input[name=email]', person.email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await opened(page);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
    return page;
  }

  async function opened(page: Page): Promise<void> {
    await page.locator('#app').waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('#connection[data-state=open]').waitFor({ timeout: 5000 });
    await page.locator('#queue[data-count]').waitFor({ state: 'attached', timeout: 5000 });
  }

  /** The page fits the viewport: nothing scrolls the document sideways (charts resize after the viewport does). */
  async function fits360(page: Page, shot: string): Promise<void> {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 360, undefined, { timeout: 5000 }).catch(() => {});
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: join(shots, shot), fullPage: true });
    assert.ok(width <= 360, `document scrollWidth ${width} at a 360 px viewport`);
  }

  async function staffingOnPage(page: Page): Promise<Record<string, string | null>> {
    return page.evaluate(() => {
      const out: Record<string, string | null> = {};
      for (const row of document.querySelectorAll<HTMLElement>('[data-staffing=live] tr[data-field]')) out[row.dataset.field!] = row.dataset.value ?? null;
      return out;
    });
  }

  /**
   * The live staffing table agrees with GET /:pid/metrics (both move with the desk: poll until they meet). `exact`:
   * every figure; otherwise the figures the desk's state decides (who can take chats, the backlog) exactly, and the
   * page's figures at most one refresh (10 s) older than the API's: on a project minutes old the arrival rate (and
   * with it agents_needed) moves each second, so two reads a second apart differ there by design.
   */
  async function staffingMatchesApi(page: Page, exact: boolean): Promise<void> {
    let last = '';
    await until(
      async () => {
        const m = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/metrics`), 200);
        const api = m.staffing;
        const shown = await staffingOnPage(page);
        const pageAt = (await page.locator('[data-staffing=live]').getAttribute('data-computed-at')) ?? '';
        const backlogText = await page.locator('[data-staffing=live] tr[data-field=backlog] td').textContent();
        const expected: Record<string, unknown> = { agents_can_take_chats: String(api.agents_can_take_chats), backlog: String(api.backlog.agents_needed), waiting: `${api.backlog.agents_needed} (${api.backlog.waiting} waiting)` };
        const got: Record<string, unknown> = { agents_can_take_chats: shown.agents_can_take_chats, backlog: shown.backlog, waiting: backlogText };
        if (exact) Object.assign(expected, { agents_needed: String(api.agents_needed), shortfall: String(api.shortfall), expected_service_level: String(api.expected_service_level) });
        if (exact) Object.assign(got, { agents_needed: shown.agents_needed, shortfall: shown.shortfall, expected_service_level: shown.expected_service_level });
        const age = Date.parse(m.computed_at) - Date.parse(pageAt);
        last = `page ${JSON.stringify(got)} at ${pageAt}, api ${JSON.stringify(expected)} at ${m.computed_at}`;
        return JSON.stringify(got) === JSON.stringify(expected) && age <= 11_000;
      },
      () => `the staffing table matching GET /metrics (${last})`,
      overHttp,
    );
  }

  test('after a reload on an empty desk: charts from the history on a 6-hour axis, forecast vs actual, the plan, staffing as the API says', async () => {
    const page = await signIn(desk.supervisor);
    await page.reload();
    await opened(page);
    await page.locator('#charts[data-history-loaded=true]').waitFor({ state: 'attached', timeout: 5000 });
    await page.locator('#plan[data-forecast-method]').waitFor({ state: 'attached', timeout: 8000 });
    assert.equal(await page.locator('#queue').getAttribute('data-count'), '0');
    assert.match((await page.locator('#queue').textContent())!, /Nobody is waiting/);

    // Charts from the server's history: the imported arrivals are all there, as the history route counts them.
    const arrivals = page.locator('[data-chart=arrivals]');
    assert.equal(await arrivals.getAttribute('data-arrivals'), String(RECENT_INTERVALS * RECENT_PER_INTERVAL));
    const now = Date.now();
    const api = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/metrics/history?from=${iso(now - 6 * HOUR)}&to=${iso(now)}`), 200);
    assert.equal(api.intervals.reduce((n: number, r: { arrivals: number }) => n + r.arrivals, 0), RECENT_INTERVALS * RECENT_PER_INTERVAL);
    // A sane axis: the 6 hours up to the end of the current interval, whatever the data's span (uPlot's own scale,
    // read after the draw).
    for (const key of ['arrivals', 'service-level']) {
      const box = page.locator(`[data-chart=${key}]`);
      const min = Number(await box.getAttribute('data-x-min'));
      const max = Number(await box.getAttribute('data-x-max'));
      assert.equal(max - min, 6 * 3600, `${key}: a 6-hour window`);
      const end = (Math.floor(Date.now() / QUARTER) * QUARTER + QUARTER) / 1000;
      // (or the one before, should an interval have begun between the draw and this line)
      assert.ok(max === end || max === end - QUARTER / 1000, `${key}: ends with the current interval (${max} vs ${end})`);
    }

    // Today: the actual arrivals since midnight against the forecast, on a 24-hour axis from local midnight.
    const today = page.locator('[data-chart=forecast]');
    const midnight = await page.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).getTime() / 1000);
    assert.equal(Number(await today.getAttribute('data-x-min')), midnight);
    assert.equal(Number(await today.getAttribute('data-x-max')), midnight + 24 * 3600);
    const forecast = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/metrics/forecast?horizon=24h&interval=15m`), 200);
    assert.notEqual(forecast.method, 'none');
    assert.ok(Number(await today.getAttribute('data-forecast-points')) > 0, 'forecast points drawn');
    // (asked of the history route from midnight: after 07:00 the older imported history falls within today too)
    const sinceMidnight = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/metrics/history?from=${iso(midnight * 1000)}&to=${iso(Date.now())}`), 200);
    assert.equal(Number(await today.getAttribute('data-actual')), sinceMidnight.intervals.reduce((n: number, r: { arrivals: number }) => n + r.arrivals, 0));

    // The plan: agents needed per interval for the next 8 hours as the forecast says, against who can take chats now.
    const plan = page.locator('[data-chart=plan]');
    const horizon = Math.floor(Date.now() / QUARTER) * QUARTER + 8 * HOUR;
    const needed = forecast.intervals.filter((f: { start: string }) => Date.parse(f.start) < horizon).map((f: { agents_needed: number | null }) => f.agents_needed);
    assert.deepEqual(JSON.parse((await plan.getAttribute('data-plan'))!), needed);
    const metrics = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/metrics`), 200);
    assert.equal(await plan.getAttribute('data-can-take-chats'), String(metrics.staffing.agents_can_take_chats));

    await staffingMatchesApi(page, true);
    assert.equal(await page.locator('#charts canvas').count() >= 2, true);
    await page.screenshot({ path: join(shots, 'desk-empty-after-reload.png'), fullPage: true });
    await fits360(page, 'desk-empty-360.png');
    await page.context().close();
  });

  test('during a surge: the staffing table follows each push, a queue row opens its live transcript, and 360 px fits', async () => {
    const page = await signIn(desk.supervisor);
    const visitors: Person[] = [];
    for (let i = 0; i < SURGE; i += 1) {
      const visitor = await desk.visitor(`Surge ${i}`);
      const rid = newRequestId(desk.projectId);
      expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: `I need help #${i}` }), 201);
      surge.push(rid);
      visitors.push(visitor);
    }
    await page.waitForFunction((n) => document.getElementById('queue')?.dataset.count === String(n), SURGE, { timeout: 5000 });
    // The table is the push's: with six waiting the backlog counts them, and every figure is GET /metrics's.
    await page.waitForFunction((n) => document.querySelector('[data-staffing=live] tr[data-field=backlog] td')?.textContent?.includes(`${n} waiting`), SURGE, { timeout: 5000 });
    await staffingMatchesApi(page, false);
    // The live service-level series got points from the pushes.
    assert.ok(Number(await page.locator('[data-chart=service-level]').getAttribute('data-live')) > 0);

    // A queue row opens the conversation, read-only, and follows it live.
    await page.click(`#queue tr[data-request-id="${surge[0]}"]`);
    await page.locator(`#transcript[data-request-id="${surge[0]}"]`).waitFor({ timeout: 3000 });
    await page.locator('#transcript .message-text', { hasText: 'I need help #0' }).waitFor({ timeout: 3000 });
    expectStatus(await visitors[0]!.rest.post(`/${desk.projectId}/requests/${surge[0]}/messages`, { text: 'Still here, anyone?' }), 201);
    await page.locator('#transcript .message-text', { hasText: 'Still here, anyone?' }).waitFor({ timeout: 3000 });
    assert.equal(await page.locator('#transcript [data-message-id]').count(), 2);
    await page.screenshot({ path: join(shots, 'desk-surge.png'), fullPage: true });
    await fits360(page, 'desk-surge-360.png');
    await page.context().close();
  });

  test("an agent's view: the queue they can take from, their own state and switch, and no supervisor panel", async () => {
    const supervisorPage = await signIn(desk.supervisor);
    const page = await signIn(desk.agentA, 360);
    assert.equal(await page.locator('#app').getAttribute('data-view'), 'agent');
    assert.match((await page.locator('#queue-title').textContent())!, /Queue you can take/);
    // The surge's Support requests are A's to take.
    await page.waitForFunction((n) => Number(document.getElementById('queue')?.dataset.count) >= n, SURGE, { timeout: 5000 });
    for (const id of ['kpis', 'charts', 'plan', 'agents', 'staffing', 'alerts']) assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} is not shown to an agent`);
    assert.doesNotMatch((await page.locator('#app').textContent())!, /not available for your role/);

    // The switch on (the test desk has ignore_presence on): available; the supervisor's agents table says the same.
    await page.locator('#me-panel[hidden]').waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
    await page.locator('#me[data-state=available]').waitFor({ timeout: 5000 });
    await supervisorPage.locator(`#agents tr[data-project-user="${desk.agentA.projectUserId}"][data-state=available]`).waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(shots, 'agent-360.png'), fullPage: true });

    // The switch: away, as the server records it, and the supervisor's table follows with a fresh time in state.
    await page.click('#me input[name=available]');
    await page.locator('#me[data-state=away]').waitFor({ timeout: 5000 });
    assert.equal(expectStatus(await desk.agentA.rest.get(`/${desk.projectId}/project_users/me`), 200).user_available, false);
    const row = supervisorPage.locator(`#agents tr[data-project-user="${desk.agentA.projectUserId}"][data-state=away]`);
    await row.waitFor({ timeout: 5000 });
    assert.match((await row.locator('td.timer').textContent())!, /^\d+s$/, 'time in state restarts at the change, without "≥"');
    await page.screenshot({ path: join(shots, 'agent-away-360.png'), fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `agent page scrollWidth ${width}`);
    // And back, so the desk can take chats again.
    await page.click('#me input[name=available]');
    await page.locator('#me[data-state=available]').waitFor({ timeout: 5000 });
    await supervisorPage.screenshot({ path: join(shots, 'desk-agents-live.png'), fullPage: true });
    await page.context().close();
    await supervisorPage.context().close();
  });

  test('an alert is raised on the page while the queue is over the rule, and cleared when it is not (needs /P/alerts)', async () => {
    const page = await signIn(desk.supervisor);
    // The surge's requests are waiting: a rule of "more than 3 waiting" is broken at once.
    expectStatus(await desk.owner.rest.put(`/projects/${desk.projectId}`, { settings: { alerts: { waiting_above: 3 } } }), 200);
    const alert = page.locator('#alerts .alert[data-rule=waiting_above]');
    await alert.waitFor({ timeout: 8000 });
    const listed = expectStatus(await desk.supervisor.rest.get(`/${desk.projectId}/alerts`), 200).alerts;
    // The page's alert is the one GET /:pid/alerts lists as active.
    const shownId = await alert.getAttribute('data-alert');
    assert.ok(listed.some((a: { rule: string; id: string; state: string }) => a.rule === 'waiting_above' && a.id === shownId && a.state === 'raised'), JSON.stringify(listed));
    assert.equal(await page.locator('#alerts').getAttribute('data-count'), String(listed.length));
    await page.screenshot({ path: join(shots, 'desk-alert-raised.png'), fullPage: true });
    for (const rid of surge) expectStatus(await desk.owner.rest.put(`/${desk.projectId}/requests/${rid}/close`), 200);
    await alert.waitFor({ state: 'detached', timeout: 8000 });
    await page.screenshot({ path: join(shots, 'desk-alert-cleared.png'), fullPage: true });
    await page.context().close();
  });
});
