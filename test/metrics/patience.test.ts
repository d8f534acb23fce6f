import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimatePatience, MIN_ABANDONMENTS } from '../../src/metrics/patience.js';
import { exponential, seededRandom } from './seeded-random.js';

/** Visitors with exponential patience (mean `patience`) who would be answered after an exponential wait. */
function waits(visitors: number, patience: number, meanAnswer: number, random: () => number) {
  const h = { abandoned: 0, abandonedWaitSeconds: 0, answered: 0, answeredWaitSeconds: 0 };
  for (let i = 0; i < visitors; i++) {
    const gives = exponential(random, patience);
    const answer = exponential(random, meanAnswer);
    if (gives < answer) {
      h.abandoned++;
      h.abandonedWaitSeconds += gives;
    } else {
      h.answered++;
      h.answeredWaitSeconds += answer;
    }
  }
  return h;
}

test('the censored maximum-likelihood estimate recovers the true mean patience', () => {
  // 2000 visitors, patience 180 s, answered after 60 s on average: about 500 abandon, so ±5 % (1/√500).
  const h = waits(2000, 180, 60, seededRandom(3));
  const e = estimatePatience(h);
  assert.equal(e.source, 'estimated');
  assert.ok(Math.abs(e.patience_seconds! - 180) < 180 * 0.15, `estimated ${e.patience_seconds} s`);
  // Counting only the abandoned visitors' waits (ignoring the censoring) would be far too short.
  const naive = h.abandonedWaitSeconds / h.abandoned;
  assert.ok(naive < 0.5 * 180, `naive mean ${naive}`);
});

test('too few abandonments: unknown, so the plan falls back to Erlang C', () => {
  const few = { abandoned: MIN_ABANDONMENTS - 1, abandonedWaitSeconds: 900, answered: 300, answeredWaitSeconds: 9000 };
  assert.deepEqual(estimatePatience(few), { patience_seconds: null, source: 'unknown', abandoned: MIN_ABANDONMENTS - 1 });
  assert.equal(estimatePatience({ ...few, abandoned: MIN_ABANDONMENTS }).patience_seconds, 9900 / MIN_ABANDONMENTS);
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => estimatePatience({ abandoned: -1, abandonedWaitSeconds: 0, answered: 0, answeredWaitSeconds: 0 }), /abandoned must be/);
  assert.throws(() => estimatePatience({ abandoned: 30, abandonedWaitSeconds: Number.NaN, answered: 0, answeredWaitSeconds: 0 }), /abandonedWaitSeconds/);
});
