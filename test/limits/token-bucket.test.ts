import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from '../../src/limits/token-bucket.js';
import { FrameRateGuard } from '../../src/realtime/frame-rate-guard.js';

test('a token bucket gives its burst at once, then refills at its rate and never above the burst', () => {
  let now = 0;
  const bucket = new TokenBucket(20, 50, () => now);
  for (let i = 0; i < 50; i++) assert.equal(bucket.take(), true, `frame ${i}`);
  assert.equal(bucket.take(), false);
  now += 100; // 2 tokens
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  now += 60_000;
  let taken = 0;
  while (bucket.take()) taken++;
  assert.equal(taken, 50, 'capped at the burst after a long pause');
});

test('the frame guard: one notice per stretch, close only after the stretch outlasts the limit', () => {
  let now = 0;
  const guard = new FrameRateGuard({ wsFrameRatePerSecond: 1, wsFrameBurst: 1, wsFrameRateCloseAfterMs: 1000 }, () => now);
  assert.equal(guard.admit(), 'ok');
  assert.deepEqual(guard.admit(), { notify: true, retryAfterSeconds: 1 });
  now = 500;
  assert.deepEqual(guard.admit(), { notify: false, retryAfterSeconds: 1 });
  now = 1000;
  assert.equal(guard.admit(), 'ok', 'a refilled token is served inside the stretch');
  now = 1001;
  assert.equal(guard.admit(), 'close', 'still exceeding 1 s after the stretch began');
  // A client that paused longer than a second starts over.
  now = 0;
  const calm = new FrameRateGuard({ wsFrameRatePerSecond: 1, wsFrameBurst: 1, wsFrameRateCloseAfterMs: 1000 }, () => now);
  calm.admit();
  assert.equal((calm.admit() as { notify: boolean }).notify, true);
  now = 3000;
  assert.equal(calm.admit(), 'ok');
  assert.equal((calm.admit() as { notify: boolean }).notify, true, 'a new stretch, a new notice');
});
