import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canSeeContact, type ContactScope } from '../../src/domain/contact-visibility.js';
import type { Role } from '../../src/domain/roles.js';
import type { Viewer } from '../../src/domain/visibility.js';

const viewer = (userId: string, role: Role, departmentIds: string[] = [], active = true): Viewer => ({ userId, role, departmentIds, active });
/** Vera started two requests: one pooled in Support (unassigned), one Agnes took part in. */
const vera: ContactScope = {
  userId: 'vera',
  requests: [
    { departmentId: 'support', agents: [], requesterUserId: 'vera' },
    { departmentId: 'sales', agents: ['agnes'], requesterUserId: 'vera' },
  ],
};

test('owners, admins and supervisors see every contact’s events', () => {
  for (const role of ['owner', 'admin', 'supervisor'] as const) assert.equal(canSeeContact(viewer('s', role), vera), true, role);
  assert.equal(canSeeContact(viewer('s', 'admin'), { userId: 'x', requests: [] }), true, 'even a contact with no request');
});

test('an agent sees a contact’s events when they may see one of its requests', () => {
  assert.equal(canSeeContact(viewer('pat', 'agent', ['support']), vera), true, 'the pooled one');
  assert.equal(canSeeContact(viewer('agnes', 'agent', []), vera), true, 'the one they take part in');
  assert.equal(canSeeContact(viewer('carl', 'agent', ['sales']), vera), false, 'Sales is assigned to Agnes, not pooled');
  assert.equal(canSeeContact(viewer('dora', 'agent', []), vera), false);
  assert.equal(canSeeContact(viewer('pat', 'agent', ['support']), { userId: 'x', requests: [] }), false, 'a contact with no request');
});

test('anyone sees the events about themselves; a visitor nobody else’s; a disabled viewer nothing', () => {
  assert.equal(canSeeContact(viewer('vera', 'guest'), vera), true);
  assert.equal(canSeeContact(viewer('vera', 'user'), vera), true);
  assert.equal(canSeeContact(viewer('otto', 'guest'), vera), false);
  assert.equal(canSeeContact(viewer('otto', 'user'), { ...vera, requests: [{ departmentId: null, agents: [], requesterUserId: 'otto' }] }), false);
  assert.equal(canSeeContact(viewer('s', 'admin', [], false), vera), false);
  assert.equal(canSeeContact(viewer('vera', 'guest', [], false), vera), false);
});
