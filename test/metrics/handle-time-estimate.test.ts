import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateHandleTime, MIN_HANDLE_SAMPLES } from '../../src/metrics/handle-time-estimate.js';

test('one or two short closes do not become the handle time', () => {
  // The case: a 1-second close would have planned with "1 s".
  const one = estimateHandleTime({ count: 1, sumSeconds: 1 }, 300);
  assert.deepEqual(one, { seconds: (1 + 9 * 300) / 10, source: 'blended', samples: 1 });
  const two = estimateHandleTime({ count: 2, sumSeconds: 2 }, 300);
  assert.ok(two.seconds >= 0.8 * 300, `two closes: ${two.seconds}`);
});

test('no sample: the default; enough samples: the measured mean; in between: continuous', () => {
  assert.deepEqual(estimateHandleTime({ count: 0, sumSeconds: 0 }, 240), { seconds: 240, source: 'default', samples: 0 });
  assert.deepEqual(estimateHandleTime({ count: 40, sumSeconds: 40 * 512 }, 240), { seconds: 512, source: 'measured', samples: 40 });
  // Samples of 600 s against a default of 300: the estimate climbs step by step and reaches 600 at the minimum.
  let previous = 300;
  for (let n = 1; n <= MIN_HANDLE_SAMPLES; n++) {
    const e = estimateHandleTime({ count: n, sumSeconds: n * 600 }, 300);
    assert.ok(e.seconds > previous, `n = ${n}: ${e.seconds} after ${previous}`);
    previous = e.seconds;
  }
  assert.equal(previous, 600);
  // A caller can ask for a different minimum.
  assert.equal(estimateHandleTime({ count: 3, sumSeconds: 300 }, 300, 3).source, 'measured');
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => estimateHandleTime({ count: 1, sumSeconds: 10 }, 0), /defaultSeconds/);
  assert.throws(() => estimateHandleTime({ count: -1, sumSeconds: 10 }, 300), /count/);
  assert.throws(() => estimateHandleTime({ count: 1.5, sumSeconds: 10 }, 300), /count/);
  assert.throws(() => estimateHandleTime({ count: 1, sumSeconds: Number.NaN }, 300), /sumSeconds/);
  assert.throws(() => estimateHandleTime({ count: 1, sumSeconds: 1 }, 300, 0), /minSamples/);
});
