import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotFrame } from '../../src/realtime/snapshot-frames.js';

const parse = (b: Buffer) => JSON.parse(b.toString()) as { action: string; payload: Record<string, unknown> };

test('one body read for a batch is encoded once per topic, seq and reset, and the frame is the protocol publish', () => {
  const list = [{ request_id: 'r1', status: 200 }];
  const a = snapshotFrame('/p/requests', list, 7, 'ep', false);
  const b = snapshotFrame('/p/requests', list, 7, 'ep', false);
  assert.equal(a, b, 'the same buffer: encoded once');
  assert.deepEqual(parse(a), { action: 'publish', payload: { topic: '/p/requests', method: 'CREATE', message: list, seq: 7, epoch: 'ep' } });

  const reset = snapshotFrame('/p/requests', list, 7, 'ep', true);
  assert.notEqual(reset, a);
  assert.equal(parse(reset).payload.reset, true);
  assert.notEqual(snapshotFrame('/p/requests', list, 8, 'ep', false), a, 'another seq is another frame');
  assert.notEqual(snapshotFrame('/q/requests', list, 7, 'ep', false), a, 'another topic is another frame');

  const sameContentOtherRead = [{ request_id: 'r1', status: 200 }];
  assert.notEqual(snapshotFrame('/p/requests', sameContentOtherRead, 7, 'ep', false), a, 'keyed by the read, not by content');
  assert.equal(parse(snapshotFrame('/p/requests', null, 7, 'ep', false)).payload.message, null, 'a non-object body is encoded as is');
});
