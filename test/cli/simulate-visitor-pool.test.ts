/**
 * Simulated visitors' identities against a real server with the default per-IP sign-in budget (20 a minute): new
 * ones at most a quarter of it per minute, none while half or less is left, a returning visitor otherwise, and a
 * refusal (429) is a returning visitor too, never a failed arrival. The pool's clock is ours; the server's is real.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/cli/api-client.js';
import { seededRandom } from '../../src/cli/simulate-random.js';
import { VisitorPool, type VisitorIdentity } from '../../src/cli/simulate-visitor-pool.js';
import { useApp } from '../support/use-app.js';

describe('simulate: visitor identities within the per-IP sign-in budget', () => {
  const suite = useApp('pglite', { DEMO_DATA: 'true', REST_AUTH_PER_IP_PER_MINUTE: '20' });
  const personSignsIn = async (times: number) => {
    for (let i = 0; i < times; i++) {
      const response = await fetch(`${suite.app.url}/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'sam@demo.deskwire', password: suite.app.demo!.password }),
      });
      assert.equal(response.status, 200);
    }
  };

  test('a quarter of the budget per minute, none once half is used, and a 429 makes a returning visitor', async () => {
    let clock = 1_000_000;
    const pool = new VisitorPool(new ApiClient(suite.app.url), suite.app.demo!.projectId, seededRandom(3), () => clock);
    const first = await pool.obtain('Visitor 1');
    assert.equal(first.returning, false);
    assert.equal(pool.signinsPerMinute, 5, 'a quarter of the 20 the server announced');

    // Within 12 s of the last sign-in: the same identity comes back.
    clock += 11_000;
    const again = await pool.obtain('Visitor 2');
    assert.deepEqual([again.returning, again.identity === first.identity, pool.signins], [true, true, 1]);
    clock += 1_000;
    assert.equal((await pool.obtain('Visitor 3')).returning, false);
    assert.equal(pool.signins, 2);

    // A person signs in eight times: the next answer the pool sees says 9 of 20 are left, and it stops there.
    await personSignsIn(8);
    clock += 12_000;
    assert.equal((await pool.obtain('Visitor 4')).returning, false);
    clock += 12_000;
    assert.equal((await pool.obtain('Visitor 5')).returning, true, 'half the budget is kept for people');
    assert.equal(pool.signins, 3);

    // The person uses the rest; our clock says the window has reset, the server's does not: its 429 makes a
    // returning visitor, not a failed arrival.
    await personSignsIn(9);
    clock += 61_000;
    const refused = await pool.obtain('Visitor 6');
    assert.equal(refused.returning, true);
    assert.equal(pool.signins, 3);
  });
});

describe('simulate: visitor identities within their write budgets', () => {
  // Ten writes a minute per visitor: five use half of an identity's budget.
  const suite = useApp('pglite', { DEMO_DATA: 'true', REST_AUTH_PER_IP_PER_MINUTE: '20', REST_WRITES_PER_MINUTE: '10' });
  const writeAs = async (identity: VisitorIdentity, times: number) => {
    const projectId = suite.app.demo!.projectId;
    const requestId = `support-group-${projectId}-pool${Math.floor(Math.random() * 1e9)}`;
    for (let i = 0; i < times; i++) await identity.api.post(`/${projectId}/requests/${requestId}/messages`, { text: `message ${i}` });
  };

  test('returning visitors go to the identity with the most write budget left; when all have used half, a new one signs in sooner', async () => {
    let clock = 1_000_000;
    const pool = new VisitorPool(new ApiClient(suite.app.url), suite.app.demo!.projectId, seededRandom(5), () => clock);
    const first = (await pool.obtain('Visitor 1')).identity;
    await writeAs(first, 5);
    assert.equal(first.api.writeBudgetLeft(), 0.5, 'the server said 5 of 10 are left');

    // 1 s after the first sign-in, well within the share's 12 s pace: the only identity is busy, so a new one comes.
    clock += 1_000;
    const second = await pool.obtain('Visitor 2');
    assert.deepEqual([second.returning, pool.signins], [false, 2]);
    await writeAs(second.identity, 1);

    // The second has 9 of 10 left: not busy, so the next visitor is a returning one, on the second.
    clock += 1_000;
    const third = await pool.obtain('Visitor 3');
    assert.deepEqual([third.returning, third.identity === second.identity, pool.signins], [true, true, 2]);

    // Both at half or less: a third identity, still within the 12 s pace.
    await writeAs(second.identity, 4);
    clock += 1_000;
    assert.deepEqual([(await pool.obtain('Visitor 4')).returning, pool.signins], [false, 3]);
  });
});
