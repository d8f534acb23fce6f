/**
 * The live metrics against ground truth: a generated history of requests with controlled timestamps is written
 * straight to the store, and every metric is recomputed here from that history with the plain definitions of
 * docs/metrics.md (and the window counts once more with plain SQL), including rows on both sides of each window's
 * boundary. `at` is pinned so the answer is exact.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { computeProjectMetrics, type ProjectMetrics, type ScopeMetrics, type WindowMetrics } from '../../src/metrics/project-metrics.js';
import { startApp } from '../../src/app.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { openTestDb, startTestApp, storeKinds, testConfig, type TestApp } from '../support/test-app.js';

interface Row {
  id: string;
  department: string | null;
  status: number;
  agents: string[];
  requester: string;
  preflight: boolean;
  created: number;
  assigned: number | null;
  firstResponse: number | null;
  closed: number | null;
}

const MIN = 60_000;
const SL_SECONDS = 45;

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface World {
  app: TestApp;
  projectId: string;
  departments: string[];
  agents: {
    userId: string;
    role?: 'agent' | 'admin' | 'supervisor';
    takesChats?: boolean;
    available: boolean;
    online: boolean;
    load: number;
    limit: number | null;
    departments: string[];
  }[];
  rows: Row[];
  at: Date;
}

async function buildWorld(app: TestApp): Promise<World> {
  const fx = new OutboxDesk(app.db, app.bus);
  const { projectId, departmentId: support } = await fx.project('Metrics');
  const sales = await fx.department(projectId, 'Sales');
  await app.db.query(`UPDATE projects SET settings = settings || $2 WHERE id = $1`, [
    projectId,
    JSON.stringify({ chat_limit_on: true, max_agent_assigned_chat: 3, service_level_target: 0.9, service_level_seconds: SL_SECONDS }),
  ]);
  // The project is older than the lookback of the live arrival rate, so the rate's exposure is the full hour.
  await app.db.query(`UPDATE projects SET created_at = now() - interval '1 day' WHERE id = $1`, [projectId]);
  const agents: World['agents'] = [
    { userId: '', available: true, online: true, load: 1, limit: null, departments: [support] },
    { userId: '', available: true, online: true, load: 3, limit: null, departments: [support, sales] }, // busy (3 of 3)
    { userId: '', available: true, online: true, load: 0, limit: 5, departments: [sales] },
    { userId: '', available: false, online: true, load: 0, limit: null, departments: [support] }, // away
    { userId: '', available: true, online: false, load: 0, limit: null, departments: [support, sales] }, // offline
    { userId: '', available: false, online: false, load: 0, limit: null, departments: [sales] }, // away (switch first)
    // A supervisor who opted in takes chats like an agent; an admin who did not counts nowhere.
    { userId: '', role: 'supervisor', takesChats: true, available: true, online: true, load: 1, limit: 2, departments: [support] },
    { userId: '', role: 'admin', takesChats: false, available: true, online: true, load: 0, limit: null, departments: [support, sales] },
  ];
  for (const [i, a] of agents.entries()) {
    a.userId = await fx.user(`agent${i}`);
    const pu = await fx.member(projectId, a.userId, a.role ?? 'agent', a.departments);
    await app.db.query(
      'UPDATE project_users SET user_available = $2, number_assigned_requests = $3, max_assigned_chat = $4, presence = $5, takes_chats = $6 WHERE id = $1',
      [pu, a.available, a.load, a.limit, a.online ? 'online' : 'offline', a.takesChats ?? false],
    );
  }
  // A member disabled in the project, or whose account is disabled, counts nowhere.
  const gone = await fx.member(projectId, await fx.user('gone'), 'agent', [support]);
  await app.db.query(`UPDATE project_users SET status = 'disabled' WHERE id = $1`, [gone]);
  const closedAccount = await fx.user('closed');
  await fx.member(projectId, closedAccount, 'agent', [support, sales]);
  await fx.disableUser(closedAccount);

  const at = new Date(Math.floor(Date.now() / 1000) * 1000);
  const t = at.getTime();
  const rnd = random(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rows: Row[] = [];
  const add = (r: Omit<Row, 'id'>) => rows.push({ id: newId(), ...r });
  for (let i = 0; i < 240; i++) {
    const created = t - Math.floor(rnd() * 100 * MIN);
    const department = rnd() < 0.1 ? null : pick([support, sales]);
    const fromMember = rnd() < 0.08;
    const requester = fromMember ? agents[0]!.userId : `visitor-${i}`;
    const preflight = rnd() < 0.04;
    const agent = pick(agents).userId;
    const kind = rnd();
    const base = { department, requester, preflight, created };
    if (kind < 0.2) {
      add({ ...base, status: 100, agents: [], assigned: null, firstResponse: null, closed: null });
    } else if (kind < 0.3) {
      // Left without an agent.
      const closed = Math.min(t, created + Math.floor(rnd() * 5 * MIN));
      add({ ...base, status: 1000, agents: [], assigned: null, firstResponse: null, closed });
    } else {
      const assigned = Math.min(t, created + Math.floor(rnd() * 3 * MIN));
      const answered = rnd() < 0.85 ? Math.min(t, assigned + Math.floor(rnd() * 120_000)) : null;
      const closeAt = assigned + Math.floor(rnd() * 20 * MIN);
      const closed = kind < 0.8 && closeAt <= t ? closeAt : null;
      add({ ...base, status: closed === null ? 200 : 1000, agents: [agent], assigned, firstResponse: answered, closed });
    }
  }
  // On both sides of every boundary: arrivals at 15 and 60 minutes, answers and closes likewise.
  for (const edge of [15, 60]) {
    for (const side of [-1000, 1000]) {
      const moment = t - edge * MIN + side;
      add({ department: support, requester: `edge-${edge}-${side}`, preflight: false, status: 100, agents: [], created: moment, assigned: null, firstResponse: null, closed: null });
      add({ department: sales, requester: `edge-a-${edge}-${side}`, preflight: false, status: 200, agents: [agents[2]!.userId], created: moment - 2 * MIN, assigned: moment - 90_000, firstResponse: moment, closed: null });
      add({ department: sales, requester: `edge-c-${edge}-${side}`, preflight: false, status: 1000, agents: [agents[2]!.userId], created: moment - 10 * MIN, assigned: moment - 9 * MIN, firstResponse: moment - 8 * MIN, closed: moment });
    }
  }
  // Exactly on the service-level threshold counts as met.
  add({ department: support, requester: 'exact', preflight: false, status: 200, agents: [agents[0]!.userId], created: t - 5 * MIN, assigned: t - 5 * MIN, firstResponse: t - 5 * MIN + SL_SECONDS * 1000, closed: null });

  const ts = (ms: number | null) => (ms === null ? null : new Date(ms));
  for (const [i, r] of rows.entries()) {
    await app.db.query(
      `INSERT INTO requests (id, project_id, request_id, ticket_id, status, participants_agents, department_id, requester_user_id, preflight,
                             created_at, updated_at, assigned_at, first_response_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13)`,
      [r.id, projectId, `support-group-${r.id}`, i + 1, r.status, r.agents, r.department, r.requester, r.preflight, ts(r.created), ts(r.assigned), ts(r.firstResponse), ts(r.closed)],
    );
  }
  return { app, projectId, departments: [support, sales], agents, rows, at };
}

// ── The oracle: the definitions of docs/metrics.md, applied to the history as generated ────────────────────────

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
/** Linear interpolation between closest ranks (PostgreSQL's percentile_cont). */
function p90(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = 0.9 * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

function expectedScope(w: World, department: string | undefined): { now: Record<string, unknown>; windows: Record<string, Record<string, unknown>> } {
  const t = w.at.getTime();
  const rows = w.rows.filter((r) => department === undefined || r.department === department);
  const open = rows.filter((r) => r.status > 50 && r.status < 1000 && r.status !== 150 && !r.preflight);
  const waits = open.filter((r) => r.agents.length === 0).map((r) => (t - r.created) / 1000);
  const agents = w.agents.filter((a) => (department === undefined || a.departments.includes(department)) && (a.role === undefined || a.takesChats));
  const limitOf = (a: World['agents'][number]) => a.limit ?? 3;
  const onDuty = agents.filter((a) => a.available && a.online);
  const available = onDuty.filter((a) => a.load < limitOf(a));
  const active = open.filter((r) => r.agents.length > 0).length;
  const members = new Set(w.agents.map((a) => a.userId));
  const inbound = rows.filter((r) => !r.preflight && !members.has(r.requester));
  const capacity = onDuty.reduce((sum, a) => sum + limitOf(a), 0);
  const windows: Record<string, Record<string, unknown>> = {};
  for (const minutes of [15, 60]) {
    const since = t - minutes * MIN;
    const inWindow = (ms: number | null) => ms !== null && ms > since && ms <= t;
    const frts = inbound.filter((r) => inWindow(r.firstResponse)).map((r) => (r.firstResponse! - r.created) / 1000);
    const arrived = inbound.filter((r) => inWindow(r.created));
    const met = arrived.filter((r) => r.firstResponse !== null && (r.firstResponse - r.created) / 1000 <= SL_SECONDS).length;
    const missed = arrived.filter((r) =>
      r.firstResponse !== null ? (r.firstResponse - r.created) / 1000 > SL_SECONDS : ((r.closed ?? t) - r.created) / 1000 > SL_SECONDS,
    ).length;
    const handled = inbound.filter((r) => inWindow(r.closed) && r.assigned !== null).map((r) => (r.closed! - r.assigned!) / 1000);
    const held = inbound
      .filter((r) => r.assigned !== null)
      .reduce((sum, r) => sum + Math.max(0, (r.closed ?? t) - Math.max(r.assigned!, since)) / 1000, 0);
    const workload = held / (minutes * 60);
    windows[`${minutes}m`] = {
      arrivals: arrived.length,
      closed: inbound.filter((r) => inWindow(r.closed)).length,
      frtCount: frts.length,
      frtMean: mean(frts),
      frtP90: p90(frts),
      met,
      missed,
      sl: met + missed > 0 ? met / (met + missed) : null,
      handled: handled.length,
      aht: mean(handled),
      workload,
      occupancy: capacity > 0 ? workload / capacity : null,
    };
  }
  return {
    now: {
      waiting: waits.length,
      longest: waits.length ? Math.max(...waits) : null,
      average: mean(waits),
      active,
      available: available.length,
      busy: onDuty.length - available.length,
      away: agents.filter((a) => !a.available).length,
      offline: agents.filter((a) => a.available && !a.online).length,
      unavailable: agents.length - onDuty.length,
      freeSlots: available.reduce((sum, a) => sum + limitOf(a) - a.load, 0),
      perAvailable: available.length ? active / available.length : null,
    },
    windows,
  };
}

function near(actual: number | null, expected: number | null, tolerance: number, what: string): void {
  if (expected === null || actual === null) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}, got ${actual}`);
}

function checkScope(got: ScopeMetrics, want: ReturnType<typeof expectedScope>, label: string): void {
  const n = want.now;
  assert.equal(got.now.waiting, n.waiting, `${label} waiting`);
  near(got.now.longest_wait_seconds, n.longest as number | null, 0.001, `${label} longest wait`);
  near(got.now.average_wait_seconds, n.average as number | null, 0.001, `${label} average wait`);
  assert.equal(got.now.active_conversations, n.active, `${label} active`);
  assert.deepEqual(got.now.agents, { available: n.available, busy: n.busy, away: n.away, offline: n.offline, unavailable: n.unavailable }, `${label} agents`);
  assert.equal(got.now.free_chat_slots, n.freeSlots, `${label} free slots`);
  near(got.now.conversations_per_available_agent, n.perAvailable as number | null, 0.001, `${label} per available agent`);
  for (const key of ['15m', '60m'] as const) {
    const g: WindowMetrics = got.windows[key];
    const e = want.windows[key]!;
    const l = `${label} ${key}`;
    assert.equal(g.arrivals, e.arrivals, `${l} arrivals`);
    assert.equal(g.closed, e.closed, `${l} closed`);
    assert.equal(g.first_response.count, e.frtCount, `${l} answered`);
    near(g.first_response.mean_seconds, e.frtMean as number | null, 0.001, `${l} frt mean`);
    near(g.first_response.p90_seconds, e.frtP90 as number | null, 0.001, `${l} frt p90`);
    assert.equal(g.service_level.met, e.met, `${l} sl met`);
    assert.equal(g.service_level.missed, e.missed, `${l} sl missed`);
    near(g.service_level.value, e.sl as number | null, 0.0001, `${l} sl`);
    assert.equal(g.handle_time.count, e.handled, `${l} handled`);
    near(g.handle_time.mean_seconds, e.aht as number | null, 0.001, `${l} aht`);
    near(g.workload_erlangs, e.workload as number, 0.0001, `${l} workload`);
    near(g.occupancy, e.occupancy as number | null, 0.0001, `${l} occupancy`);
  }
}

/**
 * The live staffing's inputs, recomputed from the rows: the arrival rate weighted with a 300 s half-life over the last
 * hour, the handle time filled with the project default (300 s) below 10 closes, the waiting backlog, and who can
 * take chats (available + busy under the rule).
 */
function checkStaffing(got: ProjectMetrics, w: World, want: ReturnType<typeof expectedScope>): void {
  const t = w.at.getTime();
  const members = new Set(w.agents.map((a) => a.userId));
  const halfLifeMs = 300_000;
  const weighted = w.rows
    .filter((r) => !r.preflight && !members.has(r.requester) && r.created > t - 60 * MIN && r.created <= t)
    .reduce((sum, r) => sum + 2 ** (-(t - r.created) / halfLifeMs), 0);
  const exposureHours = ((halfLifeMs / Math.LN2) * (1 - 2 ** (-(60 * MIN) / halfLifeMs))) / 3_600_000;
  const s = got.staffing;
  near(s.arrivals_per_hour, weighted / exposureHours, 0.01, 'staffing arrivals per hour');
  assert.equal(s.sources.arrivals_per_hour, 'measured');
  const handled = want.windows['60m']!.handled as number;
  const aht = want.windows['60m']!.aht as number | null;
  const expectedAht = handled >= 10 ? aht! : (handled * (aht ?? 0) + (10 - handled) * 300) / 10;
  near(s.aht_seconds, expectedAht, 0.01, 'staffing handle time');
  assert.equal(s.sources.aht_seconds, handled === 0 ? 'default' : handled >= 10 ? 'measured' : 'blended');
  assert.equal(s.backlog.waiting, want.now.waiting);
  assert.equal(s.agents_can_take_chats, (want.now.available as number) + (want.now.busy as number));
  assert.ok(s.agents_needed !== null && s.agents_needed >= s.backlog.agents_needed && s.backlog.agents_needed > 0, 'the backlog needs agents');
}

for (const kind of storeKinds()) {
  let w: World;
  before(async () => {
    w = await buildWorld(await startTestApp(kind, {}, { realtime: false }));
  });
  after(async () => w.app.closeAll());

  test(`${kind}: the project's metrics equal the ground truth of a generated history`, async () => {
    // The live rate alone (no forecast to blend with): the ground truth recomputes it from the rows. The blend with
    // the project's forecast is held by test/metrics/live-capacity.test.ts.
    const got = (await computeProjectMetrics(w.app.db, w.projectId, { at: w.at, forecastPerHour: null }))!.metrics;
    const want = expectedScope(w, undefined);
    // The history is rich enough to exercise every metric.
    assert.ok((want.now.waiting as number) > 5 && (want.windows['15m']!.handled as number) > 3 && (want.windows['60m']!.missed as number) > 0);
    checkScope(got, want, 'project');
    checkStaffing(got, w, want);
    assert.equal(got.windows['60m'].service_level.target, 0.9);
    assert.equal(got.windows['60m'].service_level.within_seconds, SL_SECONDS);
  });

  test(`${kind}: each department's metrics equal the ground truth of its own requests and agents`, async () => {
    const got = (await computeProjectMetrics(w.app.db, w.projectId, { at: w.at }))!.metrics;
    assert.deepEqual(got.departments.map((d) => d.id).sort(), [...w.departments].sort());
    for (const d of got.departments) checkScope(d, expectedScope(w, d.id), d.name);
  });

  test(`${kind}: window counts agree with plain SQL over the same rows, boundaries included`, async () => {
    const got = (await computeProjectMetrics(w.app.db, w.projectId, { at: w.at }))!.metrics;
    for (const minutes of [15, 60] as const) {
      const [row] = await w.app.db.query<{ arrivals: number; closed: number }>(
        `SELECT count(*) FILTER (WHERE created_at > $2::timestamptz - make_interval(mins => $3) AND created_at <= $2)::int AS arrivals,
                count(*) FILTER (WHERE closed_at > $2::timestamptz - make_interval(mins => $3) AND closed_at <= $2)::int AS closed
           FROM requests r
          WHERE project_id = $1 AND NOT preflight
            AND requester_user_id NOT IN (SELECT user_id FROM project_users WHERE project_id = $1 AND role = 'agent')`,
        [w.projectId, w.at, minutes],
      );
      const key = `${minutes}m` as const;
      assert.equal(got.windows[key].arrivals, row!.arrivals, `${key} arrivals`);
      assert.equal(got.windows[key].closed, row!.closed, `${key} closed`);
    }
    // Two seconds later the rows one second inside each boundary have left their window, and everything else moved on.
    for (const shift of [2000, 61_000]) {
      const later = new Date(w.at.getTime() + shift);
      const moved = (await computeProjectMetrics(w.app.db, w.projectId, { at: later }))!.metrics;
      checkScope(moved, expectedScope({ ...w, at: later }, undefined), `project +${shift} ms`);
    }
    assert.ok(
      (await computeProjectMetrics(w.app.db, w.projectId, { at: new Date(w.at.getTime() + 2000) }))!.metrics.windows['15m'].arrivals <
        got.windows['15m'].arrivals,
      'an arrival one second inside the 15-minute window leaves it two seconds later',
    );
  });

  test(`${kind}: a second app on the same store computes the same object (nothing comes from process memory)`, async () => {
    const other = await startApp(testConfig(), { db: w.app.db, realtime: false });
    try {
      const a = (await computeProjectMetrics(w.app.db, w.projectId, { at: w.at }))!.metrics;
      const b = (await computeProjectMetrics(other.db, w.projectId, { at: w.at }))!.metrics;
      assert.deepEqual(b, a);
    } finally {
      await other.close();
    }
  });
}

test('an unknown project has no metrics', async () => {
  const db = await openTestDb('pglite');
  const app = await startApp(testConfig(), { db, realtime: false });
  try {
    assert.equal(await computeProjectMetrics(app.db, 'nope'), null);
  } finally {
    await app.close();
    await db.close();
  }
});
