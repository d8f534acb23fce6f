import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveList } from '../../src/client/live-list.js';
import { Subscription } from '../../src/client/subscription.js';
import { TopicState } from '../../src/client/topic-state.js';
import type { PublishPayload } from '../../src/protocol/frames.js';

/** A live list fed publish payloads directly, as the client would after decoding frames. */
function listOn(topic: string) {
  const state = new TopicState(topic);
  const list = new LiveList<any>(topic, {}, (handlers) => {
    const s = new Subscription(topic, handlers, () => {});
    state.subscriptions.add(s);
    return s;
  });
  let seq = 0;
  const publish = (method: PublishPayload['method'], message: unknown, extra: Partial<PublishPayload> = {}) =>
    state.onPublish({ topic, method, message, seq: ++seq, epoch: 'E', ...extra });
  return { list, publish };
}

test('/P/requests: snapshot, create, update; a close (UPDATE with status 1000) and a DELETE remove; newest updatedAt first', () => {
  const { list, publish } = listOn('/p/requests');
  publish('CREATE', [{ _id: 'a', status: 100, updatedAt: '2026-01-01T00:00:02Z' }, { _id: 'b', status: 100, updatedAt: '2026-01-01T00:00:01Z' }]);
  publish('CREATE', { _id: 'c', status: 100, updatedAt: '2026-01-01T00:00:03Z' });
  assert.deepEqual(list.items().map((r) => r._id), ['c', 'a', 'b']);
  publish('UPDATE', { _id: 'b', status: 200, updatedAt: '2026-01-01T00:00:04Z' });
  assert.deepEqual(list.items().map((r) => [r._id, r.status]), [['b', 200], ['c', 100], ['a', 100]]);
  publish('UPDATE', { _id: 'c', status: 1000, updatedAt: '2026-01-01T00:00:05Z' });
  publish('DELETE', { _id: 'a', id: 'a', request_id: 'ra' });
  assert.deepEqual(list.items().map((r) => r._id), ['b']);
});

test('a reset replaces everything; changes report their type', () => {
  const { list, publish } = listOn('/p/project_users');
  const types: string[] = [];
  list.onChange((_items, change) => types.push(change.type));
  publish('CREATE', [{ _id: 'x' }, { _id: 'y' }]);
  publish('UPDATE', { _id: 'y', user_available: false });
  publish('CREATE', [{ _id: 'z' }], { reset: true });
  assert.deepEqual(list.items().map((r) => r._id), ['z']);
  assert.deepEqual(types, ['snapshot', 'update', 'reset']);
});

test('messages: oldest first; a DELETE (the request is no longer visible) empties the list', () => {
  const { list, publish } = listOn('/p/requests/r/messages');
  publish('CREATE', [{ _id: 'm1', createdAt: '2026-01-01T00:00:01Z' }]);
  publish('CREATE', { _id: 'm2', createdAt: '2026-01-01T00:00:02Z' });
  assert.deepEqual(list.items().map((m) => m._id), ['m1', 'm2']);
  publish('DELETE', { _id: 'req', id: 'req', request_id: 'r' });
  assert.equal(list.size, 0);
});

test('ready settles with the first snapshot, even an empty one', async () => {
  const { list, publish } = listOn('/p/requests');
  publish('CREATE', []);
  await list.ready;
  assert.deepEqual(list.items(), []);
});
