import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId, newRequestId } from '../../src/domain/ids.js';

test('newId is 24 lowercase hex digits', () => {
  for (let i = 0; i < 100; i++) assert.match(newId(), /^[0-9a-f]{24}$/);
});

test('newId starts with the creation time in seconds, so ids sort by creation', () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  const id = newId(at);
  assert.equal(parseInt(id.slice(0, 8), 16), Math.floor(at / 1000));
  const earlier = newId(at - 1000);
  assert.ok(earlier < id, `${earlier} should sort before ${id}`);
  // Default clock: the prefix is "now".
  const before = Math.floor(Date.now() / 1000);
  const prefix = parseInt(newId().slice(0, 8), 16);
  assert.ok(prefix >= before && prefix <= Math.floor(Date.now() / 1000));
});

test('newId is unique over 10k ids taken in the same second', () => {
  const at = Date.now();
  const ids = new Set(Array.from({ length: 10_000 }, () => newId(at)));
  assert.equal(ids.size, 10_000);
});

test('newRequestId follows the Tiledesk form and is safe in a topic', () => {
  const rid = newRequestId('65a1b2c3d4e5f60718293a4b');
  assert.match(rid, /^support-group-65a1b2c3d4e5f60718293a4b-[0-9a-f]{24}$/);
  assert.notEqual(newRequestId('p'), newRequestId('p'));
});
