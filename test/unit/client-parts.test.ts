import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../src/client/backoff.js';
import { tokenExpiresAt } from '../../src/client/jwt-expiry.js';
import { Subscription } from '../../src/client/subscription.js';
import { TopicState } from '../../src/client/topic-state.js';
import { realtimeUrl } from '../../src/client/socket.js';

test('back-off: full jitter in [0, min(max, initial·2^attempt)]', () => {
  const options = { initialMs: 100, maxMs: 1000 };
  assert.equal(backoffDelay(0, options, () => 0.999999), 99);
  assert.equal(backoffDelay(3, options, () => 0.999999), 799);
  assert.equal(backoffDelay(10, options, () => 0.999999), 999, 'capped');
  assert.equal(backoffDelay(1000, options, () => 0.5), 500, 'no overflow on long outages');
  assert.equal(backoffDelay(5, options, () => 0), 0);
});

test("a JWT's exp is read without verifying, base64url and UTF-8 included, with or without the JWT prefix", () => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = `${part({ alg: 'HS256' })}.${part({ exp: 1_900_000_000, firstname: 'Zoë ~~~??>' })}.sig`;
  assert.equal(tokenExpiresAt(jwt), 1_900_000_000);
  assert.equal(tokenExpiresAt(`JWT ${jwt}`), 1_900_000_000);
  assert.equal(tokenExpiresAt('not a jwt'), null);
  assert.equal(tokenExpiresAt(`${part({})}.${part({ sub: 'x' })}.s`), null);
});

test('a topic resumes with since/epoch and drops events at or below the last seq', () => {
  const topic = new TopicState('/p/requests');
  const seen: (number | undefined)[] = [];
  const s = new Subscription('/p/requests', { onCreate: (_i, m) => seen.push(m.seq), onUpdate: (_i, m) => seen.push(m.seq) }, () => {});
  topic.subscriptions.add(s);
  assert.deepEqual(topic.subscribeFrame(), { action: 'subscribe', payload: { topic: '/p/requests' } });
  topic.onPublish({ topic: '/p/requests', method: 'CREATE', message: [{ _id: 'a' }], seq: 10, epoch: 'E' });
  topic.onPublish({ topic: '/p/requests', method: 'UPDATE', message: { _id: 'a' }, seq: 11, epoch: 'E' });
  assert.deepEqual(topic.subscribeFrame(), { action: 'subscribe', payload: { topic: '/p/requests', since: 11, epoch: 'E' } });
  topic.onPublish({ topic: '/p/requests', method: 'UPDATE', message: { _id: 'a' }, seq: 11, epoch: 'E' }); // replayed again
  topic.onPublish({ topic: '/p/requests', method: 'CREATE', message: { _id: 'b' }, seq: 12, epoch: 'E' });
  assert.deepEqual(seen, [10, 11, 12], 'the snapshot item, then each live seq once');
});

test('realtimeUrl: a REST base URL becomes the Realtime path; a ws URL is kept', () => {
  assert.equal(realtimeUrl('http://127.0.0.1:3000'), 'ws://127.0.0.1:3000/v2/ws/');
  assert.equal(realtimeUrl('https://desk.example'), 'wss://desk.example/v2/ws/');
  assert.equal(realtimeUrl('ws://h:1/'), 'ws://h:1/');
});
