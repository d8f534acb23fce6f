/**
 * The bench's load generator reads seq and the change time out of frames without parsing them (bench/loadgen/
 * frame-scan.ts). This holds that shortcut to the real encoder, so a change of the wire shape breaks a test
 * instead of silently skewing benchmark figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleMessage } from '../../bench/lib/sample-message.js';
import { Histogram } from '../../bench/lib/histogram.js';
import { isErrorFrame, scanPublish, topicNeedle } from '../../bench/loadgen/frame-scan.js';
import { encodeServerFrame } from '../../src/protocol/codec.js';

const topic = '/6b04285db511c289f583bf41/requests';

test('a live request UPDATE: seq of the payload, updatedAt of the request (not of its nested lead)', () => {
  const updatedAt = '2026-11-23T12:00:00.123Z';
  const frame = Buffer.from(
    encodeServerFrame({ action: 'publish', payload: { topic, method: 'UPDATE', message: { ...sampleMessage, updatedAt }, seq: 4711, epoch: 'abc' } }),
  );
  const scanned = scanPublish(frame);
  assert.deepEqual(scanned, { seq: 4711, changedAt: Date.parse(updatedAt), snapshot: false });
  assert.ok(frame.includes(topicNeedle(topic)));
  assert.ok(!frame.includes(topicNeedle(`${topic}/x`)), 'the needle matches the exact topic only');
});

test('a snapshot is recognized by its array body and carries its seq', () => {
  const frame = Buffer.from(encodeServerFrame({ action: 'publish', payload: { topic, method: 'CREATE', message: [sampleMessage], seq: 12, epoch: 'abc' } }));
  assert.deepEqual(scanPublish(frame), { seq: 12, changedAt: Number.NaN, snapshot: true });
});

test('error frames are told apart', () => {
  const frame = Buffer.from(encodeServerFrame({ action: 'error', payload: { topic, code: 'SUBSCRIBE_FORBIDDEN', message: 'no', retryable: false } }));
  assert.ok(isErrorFrame(frame));
  assert.equal(scanPublish(frame), null);
});

test('histogram quantiles and merging', () => {
  const h = new Histogram();
  for (let i = 1; i <= 100; i++) h.record(i);
  h.record(-3);
  assert.equal(h.negative, 1);
  assert.deepEqual(h.summary(), { n: 101, p50: 50, p99: 99, max: 100 });
  const merged = new Histogram();
  merged.merge(h.toJSON());
  assert.equal(merged.quantile(0.99), 99);
});
