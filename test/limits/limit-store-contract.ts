/**
 * The LimitStore contract: every implementation (memory now, Redis with the cluster work) must pass it, so a limit
 * means the same on one node and on many.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LimitStore } from '../../src/limits/limit-store.js';

export function limitStoreContract(name: string, make: () => Promise<LimitStore>): void {
  test(`${name}: a rate allows exactly its points per window and key, then says when to retry`, async () => {
    const store = await make();
    const rule = { name: `contract-${Math.random()}`, points: 3, windowSeconds: 60 };
    const allowed = [await store.hit(rule, 'k'), await store.hit(rule, 'k'), await store.hit(rule, 'k')];
    assert.deepEqual(allowed.map((d) => d.allowed && d.remaining), [2, 1, 0], 'each hit says what is left of the window');
    assert.ok(allowed.every((d) => d.allowed && d.resetSeconds! >= 1 && d.resetSeconds! <= 60));
    const refused = await store.hit(rule, 'k');
    assert.equal(refused.allowed, false);
    assert.ok(!refused.allowed && refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
    assert.equal((await store.hit(rule, 'other')).allowed, true, 'keys are independent');
    assert.equal((await store.hit({ ...rule, name: `${rule.name}-b` }, 'k')).allowed, true, 'rules are independent');
  });

  test(`${name}: a window resets after its duration`, async () => {
    const store = await make();
    const rule = { name: `contract-${Math.random()}`, points: 1, windowSeconds: 1 };
    assert.equal((await store.hit(rule, 'k')).allowed, true);
    assert.equal((await store.hit(rule, 'k')).allowed, false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await store.hit(rule, 'k')).allowed, true);
  });

  test(`${name}: slots are held up to max per key and come back on release`, async () => {
    const store = await make();
    const counter = `contract-${Math.random()}`;
    assert.equal(await store.acquire(counter, 'k', 2), true);
    assert.equal(await store.acquire(counter, 'k', 2), true);
    assert.equal(await store.acquire(counter, 'k', 2), false);
    assert.equal(await store.acquire(counter, 'other', 2), true, 'keys are independent');
    await store.release(counter, 'k');
    assert.equal(await store.acquire(counter, 'k', 2), true);
    assert.equal(await store.acquire(counter, 'k', 2), false, 'a refused acquire took nothing');
  });
}
