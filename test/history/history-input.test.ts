/**
 * Bad input to the history, import and forecast endpoints: a 4xx with a catalogue code, before the store, and
 * nothing written — on PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { postgresSkipReason, storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

const csvImport = (who: Person, pid: string, csv: string) => who.rest.call('POST', `/${pid}/history/import`, csv, { 'content-type': 'text/csv' });

for (const kind of storeKinds()) {
  describe(`history, import and forecast bad input (${kind})`, { skip: kind === 'postgres' && postgresSkipReason() }, () => {
    const suite = useDesk(kind, {}, { realtime: false });
    let pid: string;
    const day = 86_400_000;
    const from = new Date(Math.floor(Date.now() / day) * day - 10 * day).toISOString();
    const to = new Date(Math.floor(Date.now() / day) * day + day).toISOString();
    /** Every figure of the project's history over the last days, for "nothing written". */
    const snapshot = async () => expectStatus(await suite.desk.owner.rest.get(`/${pid}/metrics/history?from=${from}&to=${to}&interval=1d`), 200);

    before(async () => {
      pid = suite.desk.projectId;
      const ok = `created_at,closed_at\n${new Date(Date.now() - 2 * day).toISOString()},${new Date(Date.now() - 2 * day + 60_000).toISOString()}\n`;
      expectStatus(await csvImport(suite.desk.owner, pid, ok), 200);
    });

    test('an import with bad lines lists every problem by line and column, and writes nothing', async () => {
      const before = await snapshot();
      const t = (daysAgo: number, minutes = 0) => new Date(Date.now() - daysAgo * day + minutes * 60_000).toISOString();
      const csv = [
        'created_at,first_response_at,closed_at,department,rating',
        `${t(1)},${t(1, 1)},${t(1, 5)},Support,4`, // fine, but the file as a whole is refused
        `2026-13-01T10:00:00Z,,,,`, // no 13th month
        `${t(1).slice(0, 19)},,,,`, // no zone
        `${t(1)},,${t(1, -5)},,`, // closed before created
        `${t(1)},,,Billing,`, // no such department
        `${t(1)},,,,7`, // rating out of range
        `,,,,`, // created_at missing (a line of empty cells)
        `${t(-1)},,,,`, // tomorrow
        `2026-02-30T10:00:00Z,,,,`, // no 30 February
      ].join('\n');
      const r = await csvImport(suite.desk.owner, pid, csv);
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'IMPORT_INVALID');
      assert.deepEqual(
        r.body.errors.map((e: { line: number; column: string }) => [e.line, e.column]),
        [[3, 'created_at'], [4, 'created_at'], [5, 'closed_at'], [6, 'department'], [7, 'rating'], [8, 'created_at'], [9, 'created_at'], [10, 'created_at']],
      );
      assert.equal(r.body.error_count, 8);
      assert.match(r.body.message, /line 3, created_at/);
      assert.match(r.body.errors[3].message, /no department "Billing"/);
      assert.deepEqual(await snapshot(), before, 'nothing of the file was written');
    });

    test('malformed CSV, a missing header, a wrong content type, a file over the limit: refused, nothing written', async () => {
      const before = await snapshot();
      const unclosed = await csvImport(suite.desk.owner, pid, `created_at\n"${new Date().toISOString()}\n`);
      assert.deepEqual([unclosed.status, unclosed.body.error, unclosed.body.errors[0].line], [400, 'IMPORT_INVALID', 2]);
      const header = await csvImport(suite.desk.owner, pid, `when,closed_at\n${new Date().toISOString()},\n`);
      assert.deepEqual([header.status, header.body.error, header.body.errors[0].column], [400, 'IMPORT_INVALID', 'created_at']);
      const json = await suite.desk.owner.rest.post(`/${pid}/history/import`, { created_at: new Date().toISOString() });
      assert.deepEqual([json.status, json.body.error], [400, 'BODY_INVALID']);
      const nul = await csvImport(suite.desk.owner, pid, `created_at,department\n${new Date().toISOString()},a\u0000b\n`);
      assert.deepEqual([nul.status, nul.body.error], [400, 'BODY_INVALID']);
      // 21 MB of well-formed rows: over the 20 MB limit.
      const row = `${new Date(Date.now() - day).toISOString()},,,,\n`;
      const big = `created_at,first_response_at,closed_at,department,rating\n${row.repeat(Math.ceil((21 * 1024 * 1024) / row.length))}`;
      const tooLarge = await csvImport(suite.desk.owner, pid, big);
      assert.deepEqual([tooLarge.status, tooLarge.body.error], [413, 'BODY_TOO_LARGE']);
      assert.deepEqual(await snapshot(), before);
    });

    test('only owners and admins import; owners, admins and supervisors read history and forecast', async () => {
      const csv = `created_at\n${new Date(Date.now() - day).toISOString()}\n`;
      for (const who of [suite.desk.supervisor, suite.desk.agentA, await suite.desk.visitor()]) {
        assert.deepEqual([(await csvImport(who, pid, csv)).body.error], ['FORBIDDEN']);
      }
      for (const who of [suite.desk.agentA, await suite.desk.visitor()]) {
        assert.equal((await who.rest.get(`/${pid}/metrics/history?from=${from}&to=${to}`)).body.error, 'FORBIDDEN');
        assert.equal((await who.rest.get(`/${pid}/metrics/forecast`)).body.error, 'FORBIDDEN');
      }
      assert.equal((await suite.desk.anonymous.get(`/${pid}/metrics/history?from=${from}&to=${to}`)).body.error, 'TOKEN_MISSING');
    });

    test('history: reversed, empty or over-a-year ranges, unknown intervals and departments are 400 with a code', async () => {
      const get = async (query: string) => {
        const r = await suite.desk.supervisor.rest.get(`/${pid}/metrics/history?${query}`);
        return [r.status, r.body.error];
      };
      assert.deepEqual(await get(`from=${to}&to=${from}`), [400, 'HISTORY_RANGE_INVALID']);
      assert.deepEqual(await get(`from=${from}&to=${from}`), [400, 'HISTORY_RANGE_INVALID']);
      assert.deepEqual(await get(`from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:01Z`), [400, 'HISTORY_RANGE_INVALID']);
      assert.deepEqual(await get(`from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=1d`), [200, undefined]);
      assert.deepEqual(await get(`from=${from}&to=${to}&interval=5m`), [400, 'BODY_INVALID']);
      assert.deepEqual(await get(`from=yesterday&to=${to}`), [400, 'BODY_INVALID']);
      assert.deepEqual(await get(`to=${to}`), [400, 'BODY_INVALID']);
      assert.deepEqual(await get(`from=${from}&to=${to}&department=nope`), [400, 'DEPARTMENT_UNKNOWN']);
      assert.deepEqual(await get(`from=${from}&to=${to}&format=xml`), [400, 'BODY_INVALID']);
      assert.deepEqual(await get(`from=${from}&to=${to}&department=${suite.desk.salesId}`), [200, undefined]);
    });

    test('forecast: unknown interval, horizon out of range or unknown department are 400 with a code', async () => {
      const get = async (query: string) => {
        const r = await suite.desk.admin.rest.get(`/${pid}/metrics/forecast?${query}`);
        return [r.status, r.body.error];
      };
      assert.deepEqual(await get('interval=30m'), [400, 'BODY_INVALID']);
      assert.deepEqual(await get('horizon=0h'), [400, 'BODY_INVALID']);
      assert.deepEqual(await get('horizon=8d'), [400, 'BODY_INVALID']);
      assert.deepEqual(await get('horizon=soon'), [400, 'BODY_INVALID']);
      assert.deepEqual(await get('department=nope'), [400, 'DEPARTMENT_UNKNOWN']);
      // A project with two days of history says so: flat or little-history fallback, not a weekly claim.
      const f = expectStatus(await suite.desk.admin.rest.get(`/${pid}/metrics/forecast?horizon=2h&interval=60m`), 200);
      assert.ok(f.history_days < 3, JSON.stringify(f.history_days));
      assert.ok(['flat_mean', 'daily_profile'].includes(f.method), f.method);
      assert.equal(f.backtest.wape, null);
      assert.equal(f.intervals.length, 2);
    });
  });
}
