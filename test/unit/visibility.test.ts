import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roles, type Role } from '../../src/domain/roles.js';
import { canSeeRequest, type RequestScope, type Viewer } from '../../src/domain/visibility.js';

const viewer = (role: Role, over: Partial<Viewer> = {}): Viewer => ({
  userId: 'u-viewer',
  role,
  departmentIds: ['dep-pool'],
  active: true,
  ...over,
});

const scope = (over: Partial<RequestScope> = {}): RequestScope => ({
  departmentId: 'dep-pool',
  agents: [],
  requesterUserId: 'u-visitor',
  ...over,
});

// A spread of requests a supervising role must see regardless of how they relate to the viewer.
const unrelatedScopes: RequestScope[] = [
  scope(),
  scope({ departmentId: 'dep-other' }),
  scope({ departmentId: null }),
  scope({ agents: ['u-someone-else'] }),
  scope({ agents: ['u-someone-else'], departmentId: 'dep-other', requesterUserId: null }),
];

for (const role of ['owner', 'admin', 'supervisor'] as const) {
  test(`${role} sees every request of the project`, () => {
    for (const s of unrelatedScopes) assert.equal(canSeeRequest(viewer(role, { departmentIds: [] }), s), true, JSON.stringify(s));
  });
}

test('an agent sees a request they take part in, whatever its department', () => {
  const v = viewer('agent', { departmentIds: [] });
  assert.equal(canSeeRequest(v, scope({ agents: ['u-viewer'], departmentId: 'dep-other' })), true);
  assert.equal(canSeeRequest(v, scope({ agents: ['u-someone-else', 'u-viewer'], departmentId: null })), true);
});

test('an agent sees an unassigned request in a department pool they belong to', () => {
  assert.equal(canSeeRequest(viewer('agent'), scope({ agents: [] })), true);
  assert.equal(canSeeRequest(viewer('agent', { departmentIds: ['dep-a', 'dep-pool'] }), scope()), true);
});

test('an agent does not see a request assigned to someone else, even in their own department', () => {
  assert.equal(canSeeRequest(viewer('agent'), scope({ agents: ['u-someone-else'] })), false);
});

test('an agent does not see an unassigned request of a department they do not belong to', () => {
  assert.equal(canSeeRequest(viewer('agent'), scope({ departmentId: 'dep-other' })), false);
  assert.equal(canSeeRequest(viewer('agent', { departmentIds: [] }), scope()), false);
});

test('an agent does not see an unassigned request with no department', () => {
  assert.equal(canSeeRequest(viewer('agent'), scope({ departmentId: null })), false);
});

test('an agent does not see a request just because they started it as a visitor would', () => {
  // Agents are judged by participation and pool only: requesterUserId is the visitor's rule.
  const v = viewer('agent', { departmentIds: [] });
  assert.equal(canSeeRequest(v, scope({ requesterUserId: 'u-viewer', agents: ['u-someone-else'] })), false);
});

for (const role of ['user', 'guest'] as const) {
  test(`a visitor (${role}) sees only the requests they started`, () => {
    assert.equal(canSeeRequest(viewer(role), scope({ requesterUserId: 'u-viewer' })), true);
    assert.equal(canSeeRequest(viewer(role), scope({ requesterUserId: 'u-visitor' })), false);
    assert.equal(canSeeRequest(viewer(role), scope({ requesterUserId: null })), false);
    // Being listed as a participant or sharing the pool's department gives a visitor nothing.
    assert.equal(canSeeRequest(viewer(role), scope({ agents: ['u-viewer'], requesterUserId: 'u-visitor' })), false);
  });
}

test('a disabled viewer sees nothing, whatever the role', () => {
  for (const role of roles) {
    const v = viewer(role, { active: false });
    const own = scope({ agents: ['u-viewer'], requesterUserId: 'u-viewer' });
    for (const s of [...unrelatedScopes, own]) assert.equal(canSeeRequest(v, s), false, `${role} ${JSON.stringify(s)}`);
  }
});
