/**
 * Tiledesk's events API over REST: who may post about whom, who may read whose, and bad input refused with a
 * catalogue code before anything is written (no row, no outbox event).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errors, type ErrorCode } from '../../src/domain/errors.js';
import { createDesk, newRequestId, type Desk, type Person } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

function expectError(answer: { status: number; body: any }, code: ErrorCode, what: string): void {
  assert.equal(answer.status, errors[code].http, `${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body?.error, code, `${what}: ${JSON.stringify(answer.body)}`);
}

for (const kind of storeKinds()) {
  describe(`POST and GET /:pid/events (${kind})`, () => {
    let app: TestApp;
    let d: Desk;
    let visitor: Person;
    let leadId: string;
    before(async () => {
      app = await startTestApp(kind, { HTTP_BODY_MAX_BYTES: '4096', HTTP_BODY_MAX_DEPTH: '8' });
      d = await createDesk(app.url);
      visitor = await d.visitor('Vera');
      // A request in the pooled Support department: agents A and B may see it; C (Sales) and D (no department) not.
      const rid = newRequestId(d.projectId);
      expectStatus(await visitor.rest.post(`/${d.projectId}/requests/${rid}/messages`, { text: 'hello' }), 201);
      leadId = expectStatus(await d.admin.rest.get(`/${d.projectId}/requests/${rid}`), 200).lead._id;
    });
    after(() => app.closeAll());

    /** The project's events and its outbox head: together they show whether anything was written. */
    async function written(): Promise<{ count: number; seq: number }> {
      const count = expectStatus(await d.owner.rest.get(`/${d.projectId}/events?limit=1`), 200).count as number;
      const [row] = await app.db.query<{ seq: number }>('SELECT seq FROM projects WHERE id = $1', [d.projectId]);
      return { count, seq: Number(row!.seq) };
    }

    test('a member posts about a contact by lead or project user; both ids are filled in; a visitor posts about themselves', async () => {
      const byLead = expectStatus(await d.agentA.rest.post(`/${d.projectId}/events`, { name: 'page.view', attributes: { url: '/pricing' }, lead: leadId }), 201);
      assert.equal(byLead.name, 'page.view');
      assert.deepEqual(byLead.attributes, { url: '/pricing' });
      assert.equal(byLead.lead, leadId);
      assert.equal(byLead.project_user, visitor.projectUserId, 'the same person’s project user');
      assert.equal(byLead.id_project, d.projectId);
      assert.equal(byLead.createdBy, d.agentA.userId);

      const own = expectStatus(await visitor.rest.post(`/${d.projectId}/events`, { name: 'form:sent' }), 201);
      assert.equal(own.lead, leadId);
      assert.equal(own.project_user, visitor.projectUserId);
      assert.equal(own.createdBy, visitor.userId);

      const byPu = expectStatus(await d.owner.rest.post(`/${d.projectId}/events`, { name: 'note', project_user: visitor.projectUserId, lead: leadId }), 201);
      const page = expectStatus(await d.agentB.rest.get(`/${d.projectId}/events?lead=${leadId}`), 200);
      assert.deepEqual(page.events.slice(0, 3).map((e: any) => e._id), [byPu._id, own._id, byLead._id], 'newest first');
      assert.equal(page.perPage, 20);
      const forms = expectStatus(await visitor.rest.get(`/${d.projectId}/events?name=form:sent`), 200);
      assert.deepEqual(forms.events.map((e: any) => e._id), [own._id], 'a visitor reads their own, one name');
      const paged = expectStatus(await d.owner.rest.get(`/${d.projectId}/events?project_user=${visitor.projectUserId}&limit=1&page=1`), 200);
      assert.deepEqual(paged.events.map((e: any) => e._id), [own._id]);
      assert.ok(paged.count >= 3);
    });

    test('visibility: agents outside the contact’s requests, other visitors and other projects read nothing', async () => {
      expectStatus(await d.owner.rest.post(`/${d.projectId}/events`, { name: 'seen', lead: leadId }), 201);
      for (const who of [d.agentC, d.agentD]) expectError(await who.rest.get(`/${d.projectId}/events?lead=${leadId}`), 'NOT_FOUND', 'an agent who sees none of its requests');
      const other = await d.visitor('Otto');
      expectError(await other.rest.get(`/${d.projectId}/events?lead=${leadId}`), 'NOT_FOUND', 'another visitor');
      assert.equal(expectStatus(await other.rest.get(`/${d.projectId}/events`), 200).count, 0, 'their own: none yet');
      expectError(await d.agentA.rest.get(`/${d.projectId}/events`), 'BODY_INVALID', 'an agent must name the contact');
      const elsewhere = await createDesk(app.url);
      expectError(await elsewhere.owner.rest.get(`/${elsewhere.projectId}/events?lead=${leadId}`), 'NOT_FOUND', 'a lead of another project');
      expectError(await elsewhere.owner.rest.get(`/${d.projectId}/events?lead=${leadId}`), 'NOT_FOUND', 'a project one is not in');
    });

    test('bad input is a 4xx with a catalogue code and nothing is written', async () => {
      const other = await d.visitor('Olga');
      const before = await written();
      const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
      const cases: [string, () => Promise<{ status: number; body: any }>, ErrorCode][] = [
        ['no name', () => d.owner.rest.post(`/${d.projectId}/events`, { lead: leadId }), 'BODY_INVALID'],
        ['an empty name', () => d.owner.rest.post(`/${d.projectId}/events`, { name: '', lead: leadId }), 'BODY_INVALID'],
        ['a name no topic can carry', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'a/b', lead: leadId }), 'BODY_INVALID'],
        ['attributes not an object', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', attributes: [1], lead: leadId }), 'BODY_INVALID'],
        ['attributes over the body limit', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', attributes: { blob: 'y'.repeat(5000) }, lead: leadId }), 'BODY_TOO_LARGE'],
        ['attributes nested too deep', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', attributes: deep(10), lead: leadId }), 'BODY_TOO_DEEP'],
        ['an unknown lead', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', lead: 'ffffffffffffffffffffffff' }), 'BODY_INVALID'],
        ['a project-user id given as the lead', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', lead: visitor.projectUserId }), 'BODY_INVALID'],
        ['lead and project_user of two people', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x', lead: leadId, project_user: other.projectUserId }), 'BODY_INVALID'],
        ['a member naming no contact', () => d.owner.rest.post(`/${d.projectId}/events`, { name: 'x' }), 'BODY_INVALID'],
        ['a visitor posting about someone else', () => other.rest.post(`/${d.projectId}/events`, { name: 'x', lead: leadId }), 'FORBIDDEN'],
        ['a bad lead in the query', () => d.owner.rest.get(`/${d.projectId}/events?lead=a.b`), 'BODY_INVALID'],
        ['a page size over the maximum', () => d.owner.rest.get(`/${d.projectId}/events?limit=1000`), 'BODY_INVALID'],
      ];
      for (const [what, call, code] of cases) expectError(await call(), code, what);
      assert.deepEqual(await written(), before, 'no event row and no outbox event');
    });
  });
}
