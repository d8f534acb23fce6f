/** The arithmetic `simulate` derives its traffic from: the arrival rate from --load, and the departments' shares. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalsPerMinute, capacityPerMinute, chooseDepartment, departmentShares } from '../../src/cli/simulate-load.js';
import { seededRandom } from '../../src/cli/simulate-random.js';

const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

test('the arrival rate is load × agents × chats × share available ÷ handle time', () => {
  const demo = { agents: 4, chatsPerAgent: 3, handleTimeMs: 120_000, availableShare: 0.8 };
  near(capacityPerMinute(demo), 4.8);
  near(arrivalsPerMinute(demo, 0.7), 3.36);
  near(arrivalsPerMinute(demo, 1.2), 5.76);
  // Twice the handle time carries half the visitors; twice the agents twice.
  near(capacityPerMinute({ ...demo, handleTimeMs: 240_000 }), 2.4);
  near(capacityPerMinute({ ...demo, agents: 8 }), 9.6);
});

test('departments are weighted by the simulated agents in them; one without any gets no visitors', () => {
  // The demo: Support holds the owner (not simulated) and agents 1–2, Sales agents 3–4, and an empty department.
  const departments = [
    { _id: 'support', name: 'Support', members: ['owner', 'a1', 'a2'] },
    { _id: 'sales', name: 'Sales', members: ['a3', 'a4'] },
    { _id: 'empty', name: 'Empty', members: ['owner'] },
  ];
  assert.deepEqual(departmentShares(departments, ['a1', 'a2', 'a3', 'a4']), [
    { id: 'support', name: 'Support', share: 0.5 },
    { id: 'sales', name: 'Sales', share: 0.5 },
  ]);
  // An agent in two departments counts half in each.
  const shared = departmentShares([{ _id: 'x', name: 'X', members: ['a', 'b'] }, { _id: 'y', name: 'Y', members: ['b'] }], ['a', 'b']);
  assert.deepEqual(shared.map((d) => d.share), [0.75, 0.25]);
  // Nobody simulated in any department: visitors go to the default one.
  assert.deepEqual(departmentShares(departments, ['someone-else']), []);
  assert.equal(chooseDepartment([], Math.random), undefined);
});

test('visitors choose departments in proportion to their shares', () => {
  const shares = [
    { id: 'a', name: 'A', share: 0.75 },
    { id: 'b', name: 'B', share: 0.25 },
  ];
  const random = seededRandom(7);
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 4000; i++) counts[chooseDepartment(shares, random)!.id as 'a' | 'b'] += 1;
  assert.ok(Math.abs(counts.a / 4000 - 0.75) < 0.03, JSON.stringify(counts));
});
