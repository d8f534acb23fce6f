/**
 * Tiledesk's analytics routes over REST, on PGlite and PostgreSQL: a small known CSV history plus a live request,
 * and every route's numbers and shape worked out here from the inputs, in the project's time zone (Asia/Kolkata,
 * +05:30, so that local days differ from UTC days). Agents and supervisors get 403; bad query parameters 400.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { postgresSkipReason, storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

const ZONE = 'Asia/Kolkata';
const DAY = 86_400_000;

interface Fact {
  created: number;
  /** First reply (imported) or the join (live): where the handle time starts. */
  firstResponse: number | null;
  handleStart: number | null;
  closed: number | null;
  rating: number | null;
  sales: boolean;
}

const localFormat = (zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', weekday: 'short', hourCycle: 'h23' });
function local(ms: number, zone = ZONE) {
  const parts = Object.fromEntries(localFormat(zone).formatToParts(ms).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!) + 1;
  // MongoDB's $week: 0 before the year's first Sunday, then 1, 2 … from each Sunday.
  const dateUtc = Date.UTC(year, month - 1, day);
  const jan1 = Date.UTC(year, 0, 1);
  const firstSunday = jan1 + ((7 - new Date(jan1).getUTCDay()) % 7) * DAY;
  const week = dateUtc < firstSunday ? 0 : Math.floor((dateUtc - firstSunday) / (7 * DAY)) + 1;
  return { year, month, day, hour: Number(parts.hour), weekday, week };
}

/** Groups the facts by a key, keeping those a filter lets through, in insertion order of first appearance. */
function groupBy<K>(facts: Fact[], key: (f: Fact) => K): Map<string, { key: K; facts: Fact[] }> {
  const out = new Map<string, { key: K; facts: Fact[] }>();
  for (const f of facts) {
    const k = key(f);
    const id = JSON.stringify(k);
    const g = out.get(id) ?? { key: k, facts: [] };
    g.facts.push(f);
    out.set(id, g);
  }
  return out;
}
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const byKey = (a: Record<string, number>, b: Record<string, number>, order: string[]) => {
  for (const k of order) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
};
const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

for (const kind of storeKinds()) {
  describe(`Tiledesk analytics routes from the history (${kind})`, { skip: kind === 'postgres' && postgresSkipReason() }, () => {
    const suite = useDesk(kind, {}, { realtime: false });
    let pid: string;
    const facts: Fact[] = [];
    const now = Date.now();
    // A local midnight three days ago: 18:30 UTC the day before in Kolkata.
    const midnight = Date.UTC(new Date(now - 3 * DAY).getUTCFullYear(), new Date(now - 3 * DAY).getUTCMonth(), new Date(now - 3 * DAY).getUTCDate(), 18, 30);
    const get = async (path: string, who = () => suite.desk.owner) => expectStatus(await who().rest.get(`/${pid}/analytics/requests${path}`), 200);

    before(async () => {
      pid = suite.desk.projectId;
      expectStatus(await suite.desk.owner.rest.put(`/projects/${pid}`, { settings: { time_zone: ZONE } }), 200);
      const s = 1000;
      const m = 60_000;
      const imported: Fact[] = [
        // Ten minutes either side of a local midnight: one UTC day, two local days.
        { created: midnight - 10 * m, firstResponse: midnight - 10 * m + 30 * s, handleStart: null, closed: midnight + 5 * m, rating: 5, sales: false },
        { created: midnight + 10 * m, firstResponse: midnight + 10 * m + 90 * s, handleStart: null, closed: midnight + 40 * m, rating: 3, sales: true },
        { created: midnight + 20 * m, firstResponse: null, handleStart: null, closed: midnight + 22 * m, rating: null, sales: false },
        { created: midnight + 2 * 60 * m, firstResponse: midnight + 2 * 60 * m + 12 * s, handleStart: null, closed: null, rating: 4, sales: false },
        { created: now - 5 * DAY, firstResponse: now - 5 * DAY + 45 * s, handleStart: null, closed: now - 5 * DAY + 9 * m, rating: 2, sales: true },
        // Outside the 7- and 30-day windows, inside the all-time ones.
        { created: now - 40 * DAY, firstResponse: now - 40 * DAY + 10 * s, handleStart: null, closed: now - 40 * DAY + 3 * m, rating: 1, sales: false },
        { created: now - 40 * DAY + m, firstResponse: null, handleStart: null, closed: null, rating: null, sales: true },
      ];
      for (const f of imported) f.handleStart = f.firstResponse;
      const csv = ['created_at,first_response_at,closed_at,department,rating', ...imported.map((f) => `${iso(f.created)},${iso(f.firstResponse)},${iso(f.closed)},${f.sales ? 'Sales' : 'Support'},${f.rating ?? ''}`)];
      expectStatus(await suite.desk.owner.rest.call('POST', `/${pid}/history/import`, csv.join('\n'), { 'content-type': 'text/csv' }), 200);
      facts.push(...imported);

      // A live conversation: asked, taken, answered, closed and rated now.
      const visitor = await suite.desk.visitor('v');
      const rid = newRequestId(pid);
      expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'help' }), 201);
      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      expectStatus(await suite.desk.agentA.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'hello' }), 201);
      expectStatus(await suite.desk.agentA.rest.put(`/${pid}/requests/${rid}/close`), 200);
      const r = expectStatus(await visitor.rest.put(`/${pid}/requests/${rid}/rating`, { rating: 4 }), 200);
      facts.push({
        created: Date.parse(r.createdAt),
        firstResponse: Date.parse(r.first_response_at),
        handleStart: Date.parse(r.assigned_at),
        closed: Date.parse(r.closed_at),
        rating: 4,
        sales: false,
      });
    });

    const within = (days: number | null, f: Fact) => days === null || f.created >= now - days * DAY;

    test('counts per day, week, month, hour and hour × weekday, local to the project', async () => {
      const dayOf = (f: Fact) => ({ year: local(f.created).year, month: local(f.created).month, day: local(f.created).day });
      const perDay = [...groupBy(facts.filter((f) => within(7, f)), dayOf).values()]
        .map((g) => ({ _id: g.key, count: g.facts.length }))
        .sort((a, b) => byKey(a._id, b._id, ['year', 'month', 'day']));
      assert.ok(perDay.length >= 4, 'the midnight pair lands on two local days');
      assert.deepEqual(await get('/aggregate/day'), perDay);
      assert.deepEqual(await get('/aggregate/day?lastdays=7&department_id=&participant=&channel='), perDay, "Tiledesk's dashboard sends empty filters");
      const salesDays = [...groupBy(facts.filter((f) => within(7, f) && f.sales), dayOf).values()].map((g) => ({ _id: g.key, count: g.facts.length }));
      assert.deepEqual(await get(`/aggregate/day?department_id=${suite.desk.salesId}`), salesDays.sort((a, b) => byKey(a._id, b._id, ['year', 'month', 'day'])));
      assert.deepEqual(await get('/aggregate/day?lastdays=60'), [...groupBy(facts, dayOf).values()].map((g) => ({ _id: g.key, count: g.facts.length })).sort((a, b) => byKey(a._id, b._id, ['year', 'month', 'day'])));

      const weekOf = (f: Fact) => ({ year: local(f.created).year, month: local(f.created).month, week: local(f.created).week });
      const perWeek = [...groupBy(facts, weekOf).values()].map((g) => ({ _id: g.key, count: g.facts.length })).sort((a, b) => byKey(a._id, b._id, ['year', 'month', 'week']));
      assert.deepEqual(await get('/aggregate/week'), perWeek);
      const monthOf = (f: Fact) => ({ year: local(f.created).year, month: local(f.created).month });
      const perMonth = [...groupBy(facts, monthOf).values()].map((g) => ({ _id: g.key, count: g.facts.length })).sort((a, b) => byKey(a._id, b._id, ['year', 'month']));
      assert.deepEqual(await get('/aggregate/month'), perMonth);
      assert.equal(perMonth.reduce((s, x) => s + x.count, 0), 8);

      const last30 = facts.filter((f) => within(30, f));
      assert.deepEqual(await get('/count'), [{ totalCount: last30.length }]);
      const hours = [...groupBy(last30, (f) => ({ hour: local(f.created).hour })).values()].map((g) => ({ _id: g.key, count: g.facts.length }));
      assert.deepEqual(await get('/aggregate/hours'), hours.sort((a, b) => b._id.hour - a._id.hour));
      const cells = [...groupBy(last30, (f) => ({ hour: local(f.created).hour, weekday: local(f.created).weekday })).values()].map((g) => ({ _id: g.key, count: g.facts.length }));
      assert.deepEqual(await get('/aggregate/dayoftheweek/hours'), cells.sort((a, b) => -byKey(a._id, b._id, ['hour', 'weekday'])));
      // Tiledesk's own parameter: a fixed offset, east positive (+05:30 is the project's zone here; -03:00 is not).
      assert.deepEqual(await get('/aggregate/dayoftheweek/hours?timezone=%2B05:30'), await get('/aggregate/dayoftheweek/hours'));
      const west = [...groupBy(last30, (f) => ({ hour: local(f.created, 'America/Sao_Paulo').hour })).values()].map((g) => ({ _id: g.key, count: g.facts.length }));
      assert.deepEqual(await get('/aggregate/hours?timezone=-03:00'), west.sort((a, b) => b._id.hour - a._id.hour));
    });

    test('waiting time, duration and satisfaction per day (ms, newest first) and overall', async () => {
      const dayOf = (f: Fact) => ({ day: local(f.created).day, month: local(f.created).month, year: local(f.created).year });
      const days = [...groupBy(facts.filter((f) => within(7, f)), dayOf).values()].sort((a, b) => -byKey(a.key, b.key, ['year', 'month', 'day']));
      const waits = (fs: Fact[]) => mean(fs.filter((f) => f.firstResponse !== null).map((f) => f.firstResponse! - f.created));
      const durations = (fs: Fact[]) => mean(fs.filter((f) => f.closed !== null && f.handleStart !== null).map((f) => f.closed! - f.handleStart!));
      const ratings = (fs: Fact[]) => mean(fs.filter((f) => f.rating !== null).map((f) => f.rating!));
      const close = (actual: number | null, expected: number | null, what: string) => {
        if (expected === null) assert.equal(actual, null, what);
        else assert.ok(actual !== null && Math.abs(actual - expected) <= 1, `${what}: ${actual} ≠ ${expected}`);
      };
      for (const [path, field, figure] of [
        ['/waiting/day', 'waiting_time_avg', waits],
        ['/duration/day', 'duration_avg', durations],
        ['/satisfaction/day', 'satisfaction_avg', ratings],
      ] as const) {
        const body = await get(path);
        assert.deepEqual(body.map((x: { _id: unknown }) => x._id), days.map((d) => d.key), `${path}: one entry a local day, newest first`);
        for (const [i, d] of days.entries()) {
          assert.deepEqual(Object.keys(body[i]).sort(), ['_id', field].sort());
          close(body[i][field], figure(d.facts), `${path} ${JSON.stringify(d.key)}`);
        }
      }
      const [waiting] = await get('/waiting');
      assert.equal(waiting._id, pid);
      close(waiting.waiting_time_avg, waits(facts.filter((f) => within(30, f))), '/waiting');
      close((await get('/waiting?last=86400'))[0].waiting_time_avg, waits(facts.filter((f) => within(1, f))), '/waiting?last=1 day');
      close((await get('/duration'))[0].duration_avg, durations(facts.filter((f) => within(30, f))), '/duration');
      close((await get('/satisfaction'))[0].satisfaction_avg, ratings(facts), '/satisfaction (all time)');
    });

    test('owners and admins only; bad parameters 400 with the catalogue code', async () => {
      assert.ok((await get('/aggregate/day', () => suite.desk.admin)).length > 0);
      for (const who of [suite.desk.supervisor, suite.desk.agentA]) {
        const r = await who.rest.get(`/${pid}/analytics/requests/aggregate/day`);
        assert.deepEqual([r.status, r.body.error], [403, 'FORBIDDEN']);
      }
      const visitor = await suite.desk.visitor('nosy');
      assert.equal((await visitor.rest.get(`/${pid}/analytics/requests/satisfaction`)).status, 403);
      for (const q of ['/aggregate/day?lastdays=0', '/aggregate/day?lastdays=abc', '/aggregate/day?lastdays=367', '/waiting/day?department_id=no%20such!', '/aggregate/hours?timezone=%2B25:00',
        '/aggregate/hours?timezone=Mars/Olympus', '/aggregate/hours?timezone=%2B05:10', '/duration/day?participant=someone', '/satisfaction/day?channel=email', '/aggregate/week?lastdays=3', '/count?foo=1', '/waiting?last=-5']) {
        const r = await suite.desk.owner.rest.get(`/${pid}/analytics/requests${q}`);
        assert.deepEqual([r.status, r.body.error], [400, 'BODY_INVALID'], q);
      }
      const unknown = await suite.desk.owner.rest.get(`/${pid}/analytics/requests/aggregate/day?department_id=nosuchdepartment`);
      assert.deepEqual([unknown.status, unknown.body.error], [400, 'DEPARTMENT_UNKNOWN']);
    });
  });
}
