import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeSlots, isBusy } from '../../src/domain/busy.js';

const limitOn = { chat_limit_on: true, max_agent_assigned_chat: 3 };
const limitOff = { chat_limit_on: false, max_agent_assigned_chat: 3 };

test('with the chat limit off nobody is busy and slots are unlimited', () => {
  const swamped = { number_assigned_requests: 1000, max_assigned_chat: 1 };
  assert.equal(isBusy(swamped, limitOff), false);
  assert.equal(freeSlots(swamped, limitOff), Number.POSITIVE_INFINITY);
});

test('the project limit applies when the agent has none of their own', () => {
  const pu = (n: number) => ({ number_assigned_requests: n, max_assigned_chat: null });
  assert.equal(isBusy(pu(2), limitOn), false);
  assert.equal(isBusy(pu(3), limitOn), true, 'reaching the limit is busy, not only exceeding it');
  assert.equal(isBusy(pu(4), limitOn), true);
  assert.equal(freeSlots(pu(0), limitOn), 3);
  assert.equal(freeSlots(pu(2), limitOn), 1);
  assert.equal(freeSlots(pu(3), limitOn), 0);
});

test("the agent's own limit overrides the project's, both lower and higher", () => {
  const lower = (n: number) => ({ number_assigned_requests: n, max_assigned_chat: 1 });
  const higher = (n: number) => ({ number_assigned_requests: n, max_assigned_chat: 5 });
  assert.equal(isBusy(lower(1), limitOn), true);
  assert.equal(isBusy(higher(3), limitOn), false);
  assert.equal(isBusy(higher(5), limitOn), true);
  assert.equal(freeSlots(higher(3), limitOn), 2);
});

test('an agent limit of zero means always busy', () => {
  const pu = { number_assigned_requests: 0, max_assigned_chat: 0 };
  assert.equal(isBusy(pu, limitOn), true);
  assert.equal(freeSlots(pu, limitOn), 0);
});

test('free slots never go negative when an agent is over their limit', () => {
  assert.equal(freeSlots({ number_assigned_requests: 9, max_assigned_chat: null }, limitOn), 0);
});

test('busy and free slots agree: busy exactly when no slot is free', () => {
  for (const max of [null, 0, 1, 4]) {
    for (let n = 0; n <= 6; n++) {
      const pu = { number_assigned_requests: n, max_assigned_chat: max };
      assert.equal(isBusy(pu, limitOn), freeSlots(pu, limitOn) === 0, `n=${n} max=${max}`);
    }
  }
});
