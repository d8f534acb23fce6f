/**
 * `ProjectEvent` is a union on its kind: an event's `data` has its kind's type, so the event path needs no casts.
 * The `@ts-expect-error` lines are the test, checked by `npm run typecheck`: were `data` loose again, they would
 * compile, and the unused directives would fail the typecheck.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewEvent, ProjectEvent } from '../../src/events/event.js';
import { sampleMessage, sampleProjectUser, sampleRequest } from '../support/sample-entities.js';

const scope = { departmentId: null, agents: [], requesterUserId: null };

test('each kind carries its own entity, and the kind alone narrows data', () => {
  const events: NewEvent[] = [
    { kind: 'request', method: 'CREATE', entityId: 'r1', requestId: 'r1', scope, prevScope: null, data: sampleRequest() },
    { kind: 'message', method: 'CREATE', entityId: 'm1', requestId: 'r1', scope, prevScope: null, data: sampleMessage() },
    { kind: 'project_user', method: 'UPDATE', entityId: 'pu1', requestId: null, scope: null, prevScope: null, data: sampleProjectUser() },
  ];
  const said = events.map((e) => (e.kind === 'request' ? e.data.first_text : e.kind === 'message' ? e.data.text : e.kind === 'project_user' ? e.data.uuid_user : e.kind === 'contact_event' ? e.data.name : e.data.rule));
  assert.deepEqual(said, ['hello', 'hello', 'u1']);
});

test('a kind with another kind\'s entity, or without its request, does not compile', () => {
  const wrong: Partial<Record<string, NewEvent | ProjectEvent>> = {
    // @ts-expect-error a message event carries a message, not a request
    messageOfRequest: { kind: 'message', method: 'CREATE', entityId: 'm1', requestId: 'r1', scope, prevScope: null, data: sampleRequest() },
    // @ts-expect-error a project_user event carries a project user
    userOfMessage: { kind: 'project_user', method: 'UPDATE', entityId: 'pu1', requestId: null, scope: null, prevScope: null, data: sampleMessage() },
    // @ts-expect-error a request event always names its request and its scope
    requestWithoutScope: { kind: 'request', method: 'UPDATE', entityId: 'r1', requestId: null, scope: null, prevScope: null, data: sampleRequest() },
  };
  assert.equal(Object.keys(wrong).length, 3);
});
