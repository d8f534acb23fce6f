/**
 * Interval history end to end over REST, on PGlite and on PostgreSQL: imported rows and live requests land in
 * the interval they arrived in, the totals stay exact through answer, close, reopen and rating, and the same
 * answer comes back after the store is closed and opened again (a restart).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { createDesk, newRequestId, type Desk, type Person } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { createTestSchema, postgresSkipReason, storeKinds, testConfig, type StoreKind } from '../support/test-app.js';

const Q = 15 * 60_000;
const floorQ = (ms: number) => Math.floor(ms / Q) * Q;

/** A store that can be closed and opened again with its data: a PGlite directory, or a PostgreSQL schema. */
async function reopenableStore(kind: StoreKind): Promise<{ open(): Promise<Db>; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'deskwire-history-'));
    return { open: () => PgliteDb.open(dir), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = await createTestSchema();
  return { open: async () => schema.connect(), dispose: () => schema.drop() };
}

async function csvImport(who: Person, pid: string, csv: string) {
  return who.rest.call('POST', `/${pid}/history/import`, csv, { 'content-type': 'text/csv' });
}

interface Expected {
  arrivals: number;
  answered: number;
  abandoned: number;
  met: number;
  ratings: number[];
}

for (const kind of storeKinds()) {
  describe(`interval history over REST (${kind})`, { skip: kind === 'postgres' && postgresSkipReason() }, () => {
    const config: Config = testConfig();
    let store: Awaited<ReturnType<typeof reopenableStore>>;
    let db: Db;
    let app: App;
    let desk: Desk;
    let pid: string;
    const start = async () => {
      db = await store.open();
      app = await startApp(config, { db, realtime: false });
    };
    const stop = async () => {
      await app.close();
      await db.close();
    };
    before(async () => {
      store = await reopenableStore(kind);
      await start();
    });
    after(async () => {
      await stop();
      await store.dispose();
    });

    test('totals equal the rows imported and the requests created, per interval and department, and after a restart', async () => {
      desk = await createDesk(app.url);
      pid = desk.projectId;
      const base = floorQ(Date.now() - 3 * 86_400_000);
      const at = (minutes: number, seconds = 0) => new Date(base + minutes * 60_000 + seconds * 1000).toISOString();
      // Three intervals of imported history; departments by name, by id and empty (the default, Support).
      const csv = [
        'created_at,first_response_at,closed_at,department,rating,ignored',
        `${at(1)},${at(1, 30)},${at(9)},Support,5,x`,
        `${at(2)},${at(4)},${at(20)},${desk.salesId},,y`,
        `${at(3)},,${at(5)},,,`,
        `"${at(16)}",,,"sales",3,`,
        `${at(31)},${at(31, 10)},,,1,`,
      ].join('\r\n');
      const summary = expectStatus(await csvImport(desk.admin, pid, csv), 200);
      assert.equal(summary.imported, 5);

      // Live requests now: two in Support (one answered, rated, closed, reopened and closed again), one in Sales left unanswered and closed.
      const v1 = await desk.visitor('v1');
      const v2 = await desk.visitor('v2');
      const r1 = newRequestId(pid);
      const r2 = newRequestId(pid);
      const r3 = newRequestId(pid);
      expectStatus(await v1.rest.post(`/${pid}/requests/${r1}/messages`, { text: 'help' }), 201);
      expectStatus(await v2.rest.post(`/${pid}/requests/${r2}/messages`, { text: 'help too' }), 201);
      expectStatus(await v2.rest.post(`/${pid}/requests/${r3}/messages`, { text: 'sales?', departmentid: desk.salesId }), 201);
      expectStatus(await desk.agentA.rest.post(`/${pid}/requests/${r1}/participants`, { member: desk.agentA.userId }), 200);
      expectStatus(await desk.agentA.rest.post(`/${pid}/requests/${r1}/messages`, { text: 'hello' }), 201);
      expectStatus(await desk.agentA.rest.put(`/${pid}/requests/${r1}/close`), 200);
      expectStatus(await v1.rest.put(`/${pid}/requests/${r1}/rating`, { rating: 2, rating_message: 'slow' }), 200);
      const rated = expectStatus(await v1.rest.patch(`/${pid}/requests/${r1}`, { rating: 4 }), 200);
      assert.deepEqual([rated.rating, rated.rating_message], [4, null]);
      expectStatus(await desk.agentA.rest.put(`/${pid}/requests/${r1}/reopen`), 200);
      expectStatus(await desk.agentA.rest.put(`/${pid}/requests/${r1}/close`), 200);
      expectStatus(await v2.rest.put(`/${pid}/requests/${r3}/close`), 200);
      // A desk member's own conversation is not a contact: it is not history.
      expectStatus(await desk.agentB.rest.post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: 'note to self' }), 201);

      // Expected, worked out here from the inputs, per interval start and slice.
      const expected = new Map<string, Expected>();
      const add = (slice: string, createdMs: number, e: Partial<Expected> & { rating?: number }) => {
        for (const s of [slice, 'total']) {
          const key = `${s}@${floorQ(createdMs)}`;
          const x = expected.get(key) ?? { arrivals: 0, answered: 0, abandoned: 0, met: 0, ratings: [] };
          x.arrivals += 1;
          x.answered += e.answered ?? 0;
          x.abandoned += e.abandoned ?? 0;
          x.met += e.met ?? 0;
          if (e.rating !== undefined) x.ratings.push(e.rating);
          expected.set(key, x);
        }
      };
      add(desk.supportId, Date.parse(at(1)), { answered: 1, met: 1, rating: 5 });
      add(desk.salesId, Date.parse(at(2)), { answered: 1 }); // 120 s: missed
      add(desk.supportId, Date.parse(at(3)), { abandoned: 1 }); // left after 120 s: missed
      add(desk.salesId, Date.parse(at(16)), { rating: 3 });
      add(desk.supportId, Date.parse(at(31)), { answered: 1, met: 1, rating: 1 });
      const live = async (rid: string) => expectStatus(await desk.owner.rest.get(`/${pid}/requests/${rid}`), 200);
      for (const [rid, slice, e] of [
        [r1, desk.supportId, { answered: 1, met: 1, rating: 4 }],
        [r2, desk.supportId, {}],
        [r3, desk.salesId, { abandoned: 1 }],
      ] as const) {
        add(slice, Date.parse((await live(rid)).createdAt), e);
      }

      const from = new Date(base).toISOString();
      const to = new Date(floorQ(Date.now()) + Q).toISOString();
      // Through the app running now: after the restart it listens on another port.
      const read = async (department?: string, interval = '15m') =>
        expectStatus(await new Rest(app.url, desk.supervisor.token).get(`/${pid}/metrics/history?from=${from}&to=${to}&interval=${interval}${department ? `&department=${department}` : ''}`), 200);
      const check = async (slice: string, department?: string) => {
        const body = await read(department);
        assert.equal(body.intervals.length, (Date.parse(to) - Date.parse(from)) / Q, 'every interval, empty ones too');
        let arrivals = 0;
        for (const i of body.intervals) {
          const x = expected.get(`${slice}@${Date.parse(i.start)}`);
          arrivals += i.arrivals;
          const mean = x && x.ratings.length ? Math.round((x.ratings.reduce((a, b) => a + b, 0) / x.ratings.length) * 1000) / 1000 : null;
          assert.deepEqual(
            { arrivals: i.arrivals, answered: i.answered, abandoned: i.abandoned, met: i.service_level.met, ratings: i.rating.count, mean: i.rating.mean },
            { arrivals: x?.arrivals ?? 0, answered: x?.answered ?? 0, abandoned: x?.abandoned ?? 0, met: x?.met ?? 0, ratings: x?.ratings.length ?? 0, mean },
            `${slice} at ${i.start}`,
          );
        }
        return { body, arrivals };
      };
      const total = await check('total');
      assert.equal(total.arrivals, 8, '5 imported + 3 created by visitors');
      await check(desk.supportId, desk.supportId);
      await check(desk.salesId, desk.salesId);
      const first = total.body.intervals.find((i: { start: string }) => i.start === from);
      assert.deepEqual(first.first_response, { count: 2, mean_seconds: 75 });
      assert.deepEqual(first.handle_time, { count: 2, mean_seconds: (7.5 * 60 + 16 * 60) / 2 });
      assert.deepEqual(first.service_level, { met: 1, missed: 2, value: 0.3333 });
      const days = await read(undefined, '1d');
      assert.equal(days.intervals.reduce((s: number, i: { arrivals: number }) => s + i.arrivals, 0), 8);

      const csvAnswer = await fetch(`${app.url}/${pid}/metrics/history?from=${from}&to=${to}&format=csv`, { headers: { authorization: desk.owner.token } });
      assert.match(csvAnswer.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = (await csvAnswer.text()).trim().split('\r\n');
      assert.equal(lines.length, total.body.intervals.length + 1);
      assert.equal(lines[1], `${from},${new Date(base + Q).toISOString()},3,2,1,1,2,0.3333,2,75,2,705,1,5`);

      // A restart: the same store opened again by a new process's app.
      await stop();
      await start();
      assert.deepEqual(await read(), total.body);
      assert.deepEqual((await read(desk.salesId)).intervals, (await check(desk.salesId, desk.salesId)).body.intervals);
    });

    test('rating: the requester alone, 1 to 5, nothing written on a refusal', async () => {
      desk = await createDesk(app.url);
      pid = desk.projectId;
      const visitor = await desk.visitor('rater');
      const rid = newRequestId(pid);
      expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'hi' }), 201);
      for (const body of [{ rating: 6 }, { rating: 0 }, { rating: 2.5 }, { rating: '5' }, { rating_message: 'no rating' }, { rating: 3, rating_message: 'x'.repeat(1001) }]) {
        const r = await visitor.rest.put(`/${pid}/requests/${rid}/rating`, body);
        assert.deepEqual([r.status, r.body.error], [400, 'BODY_INVALID'], JSON.stringify(body));
      }
      const mixed = await visitor.rest.patch(`/${pid}/requests/${rid}`, { rating: 3, subject: 'also this' });
      assert.deepEqual([mixed.status, mixed.body.error], [400, 'BODY_INVALID']);
      const byAgent = await desk.owner.rest.put(`/${pid}/requests/${rid}/rating`, { rating: 5 });
      assert.deepEqual([byAgent.status, byAgent.body.error], [403, 'FORBIDDEN']);
      const other = await desk.visitor('other');
      assert.equal((await other.rest.put(`/${pid}/requests/${rid}/rating`, { rating: 1 })).status, 404);
      const request = expectStatus(await desk.owner.rest.get(`/${pid}/requests/${rid}`), 200);
      assert.deepEqual([request.rating, request.rating_message], [null, null]);
      const rated = expectStatus(await visitor.rest.put(`/${pid}/requests/${rid}/rating`, { rating: 5, rating_message: 'thanks' }), 200);
      assert.deepEqual([rated.rating, rated.rating_message], [5, 'thanks']);
    });
  });
}
