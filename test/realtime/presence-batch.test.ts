import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PresenceBatch, type PresenceChange } from '../../src/realtime/presence-batch.js';
import { until } from '../support/until.js';

/** A writer that records each batch and lets the test decide when each write finishes. */
function gatedWriter() {
  const batches: PresenceChange[][] = [];
  const finish: ((error?: Error) => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = (changes: readonly PresenceChange[]) => {
    batches.push([...changes]);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((resolve, reject) =>
      finish.push((error) => {
        inFlight--;
        if (error) reject(error);
        else resolve();
      }),
    );
  };
  return { write, batches, finish, maxInFlight: () => maxInFlight };
}

/** Writes are planned on the event loop: check once a turn, as the batcher runs, not on a timer. */
const eachTurn = { timeoutMs: 2000, everyMs: 0 };

describe('presence batches', () => {
  test('changes given in one turn of the event loop are written in one call', async () => {
    const calls: PresenceChange[][] = [];
    const batch = new PresenceBatch(async (changes) => void calls.push([...changes]));
    await Promise.all([batch.set('a', 'online'), batch.set('b', 'online'), batch.set('c', 'offline')]);
    assert.deepEqual(calls, [
      [
        { userId: 'a', status: 'online' },
        { userId: 'b', status: 'online' },
        { userId: 'c', status: 'offline' },
      ],
    ]);
  });

  test('a change resolves only once its batch is written; changes arriving during a write form the next batch, one write at a time', async () => {
    const w = gatedWriter();
    const batch = new PresenceBatch(w.write);
    let aDone = false;
    const a = batch.set('a', 'online').then(() => (aDone = true));
    await until(() => w.batches.length === 1, 'the first write', eachTurn);
    const b = batch.set('b', 'online');
    const c = batch.set('c', 'online');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(w.batches.length, 1, 'no second write while the first is in flight');
    assert.equal(aDone, false);
    w.finish[0]!();
    await a;
    await until(() => w.batches.length === 2, 'the second write', eachTurn);
    assert.deepEqual(w.batches[1], [
      { userId: 'b', status: 'online' },
      { userId: 'c', status: 'online' },
    ]);
    w.finish[1]!();
    await Promise.all([b, c]);
    await batch.idle();
    assert.equal(w.maxInFlight(), 1);
  });

  test('two changes of one user in one batch: the later status is written, both resolve', async () => {
    const w = gatedWriter();
    const batch = new PresenceBatch(w.write);
    const first = batch.set('a', 'online');
    const second = batch.set('a', 'offline');
    await until(() => w.batches.length === 1, 'the write', eachTurn);
    assert.deepEqual(w.batches[0], [{ userId: 'a', status: 'offline' }]);
    w.finish[0]!();
    await Promise.all([first, second]);
  });

  test('a failed write rejects the changes of its batch only; the next batch is written', async () => {
    const w = gatedWriter();
    const batch = new PresenceBatch(w.write);
    const a = batch.set('a', 'online');
    const b = batch.set('b', 'online');
    await until(() => w.batches.length === 1, 'the first write', eachTurn);
    const c = batch.set('c', 'online');
    w.finish[0]!(new Error('store down'));
    await assert.rejects(a, /store down/);
    await assert.rejects(b, /store down/);
    await until(() => w.batches.length === 2, 'the second write', eachTurn);
    w.finish[1]!();
    await c;
  });

  test('idle() resolves at once with nothing pending, and after the last write otherwise', async () => {
    const w = gatedWriter();
    const batch = new PresenceBatch(w.write);
    await batch.idle();
    void batch.set('a', 'online');
    let idle = false;
    const waiting = batch.idle().then(() => (idle = true));
    await until(() => w.batches.length === 1, 'the write', eachTurn);
    assert.equal(idle, false);
    w.finish[0]!();
    await waiting;
  });
});
