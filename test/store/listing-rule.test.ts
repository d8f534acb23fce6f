/**
 * The listing rule is written twice, once in TypeScript (`isOpenForRealtime`) and once in SQL
 * (`OPEN_FOR_REALTIME_SQL`), because snapshots and metrics filter in the store. This file stores one request for
 * every combination of the facts the rule reads (status, including each boundary, × preflight × draft), plus
 * whether an agent takes part, and checks that each store read built on the fragment answers what the function
 * answers: the project's list, the agents' lists and the live metrics' open count, on PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultProjectSettings } from '../../src/domain/project.js';
import { newId } from '../../src/domain/ids.js';
import { isOpenForRealtime, OPEN_FOR_REALTIME_SQL } from '../../src/domain/listing.js';
import { RequestStatus } from '../../src/domain/request.js';
import { queueRows } from '../../src/store/metrics-queries.js';
import type { Db } from '../../src/store/db.js';
import { insertDepartment } from '../../src/store/departments.js';
import { migrate } from '../../src/store/migrate.js';
import { insertProject } from '../../src/store/projects.js';
import { insertRequest, listOpenRequestsOfAgents, listRequests } from '../../src/store/requests.js';
import { insertUser } from '../../src/store/users.js';
import { openTestDb, storeKinds } from '../support/test-app.js';

interface Case {
  status: number;
  preflight: boolean;
  draft: boolean;
  assigned: boolean;
}

/** Every named status, and each side of every bound the rule draws (50, 150, 1000). */
const statuses = [...new Set([...Object.values(RequestStatus), 0, 49, 51, 99, 149, 151, 999, 1001, 2000])].sort((a, b) => a - b);
const cases: Case[] = statuses.flatMap((status) =>
  [false, true].flatMap((preflight) =>
    [false, true].flatMap((draft) => [false, true].map((assigned) => ({ status, preflight, draft, assigned }))),
  ),
);
const label = (c: Case) => `status ${c.status}${c.preflight ? ', preflight' : ''}${c.draft ? ', draft' : ''}${c.assigned ? ', assigned' : ''}`;

test('the generated cases cover both answers of the rule', () => {
  assert.ok(cases.some(isOpenForRealtime) && cases.some((c) => !isOpenForRealtime(c)));
  assert.equal(cases.length, statuses.length * 8);
});

test('the fragment is the SQL form of the rule (the requests table aliased r)', () => {
  for (const column of ['r.status', 'r.preflight', 'r.draft']) assert.ok(OPEN_FOR_REALTIME_SQL.includes(column), column);
});

for (const kind of storeKinds()) {
  describe(`the SQL listing rule agrees with isOpenForRealtime (${kind})`, () => {
    let db: Db;
    let projectId: string;
    let departmentId: string;
    let agentId: string;
    /** request_id → the case it was stored for. */
    const stored = new Map<string, Case>();

    before(async () => {
      db = await openTestDb(kind);
      await migrate(db);
      projectId = newId();
      departmentId = newId();
      agentId = newId();
      await insertProject(db, { id: projectId, name: 'Listing', epoch: newId(), settings: defaultProjectSettings });
      await insertDepartment(db, { id: departmentId, projectId, name: 'Default', routing: 'pooled', isDefault: true });
      await insertUser(db, { id: agentId, email: `agent-${agentId}@example.test`, passwordHash: null, firstname: 'Agent', lastname: 'Test' });
      for (const [i, c] of cases.entries()) {
        const requestId = `support-group-${projectId}-${i}`;
        stored.set(requestId, c);
        await insertRequest(db, {
          id: newId(), projectId, requestId, ticketId: i + 1, status: c.status, subject: null, firstText: label(c),
          agents: c.assigned ? [agentId] : [], departmentId, leadId: null, requesterId: null, requesterUserId: null,
          channel: 'chat21', preflight: c.preflight, draft: c.draft, attributes: {},
        });
      }
    });
    after(async () => {
      await db.close();
    });

    const expected = () => [...stored].filter(([, c]) => isOpenForRealtime(c)).map(([id]) => id).sort();

    test('the project list (listRequests with openForRealtime) holds exactly the open requests', async () => {
      const listed = await listRequests(db, { projectId, statuses: null, openForRealtime: true, limit: cases.length + 1, offset: 0 });
      const got = listed.map((r) => r.request_id).sort();
      const wrong = [...stored].filter(([id, c]) => got.includes(id) !== isOpenForRealtime(c)).map(([, c]) => label(c));
      assert.deepEqual(wrong, [], 'cases where the SQL and the rule disagree');
      assert.deepEqual(got, expected());
    });

    test("an agent's list (listOpenRequestsOfAgents) holds exactly the open requests it may see", async () => {
      // The agent takes part in the assigned ones and belongs to the department of the others: it may see them all.
      const [list] = await listOpenRequestsOfAgents(db, projectId, [{ userId: agentId, departmentIds: [departmentId] }], cases.length + 1);
      assert.deepEqual(list!.map((r) => r.request_id).sort(), expected());
    });

    test('the live metrics count as open (waiting and active) exactly the open requests', async () => {
      const [total] = (await queueRows(db, projectId, new Date(Date.now() + 60_000))).filter((r) => r.total);
      const open = [...stored.values()].filter(isOpenForRealtime);
      assert.equal(total!.waiting, open.filter((c) => !c.assigned).length);
      assert.equal(total!.active, open.filter((c) => c.assigned).length);
    });
  });
}
