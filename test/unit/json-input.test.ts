import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capDepth, jsonTextNestsDeeper, nestsDeeper, TOO_DEEP_MARKER } from '../../src/domain/json-depth.js';
import { findUnstorable, unstorableIn } from '../../src/domain/storable-text.js';

test('nesting is measured on the text without parsing; brackets and escapes inside strings do not count', () => {
  assert.equal(jsonTextNestsDeeper('{"a":[1]}', 2), false);
  assert.equal(jsonTextNestsDeeper('{"a":[[1]]}', 2), true);
  assert.equal(jsonTextNestsDeeper('{"a":"[[[[{{{{"}', 1), false);
  assert.equal(jsonTextNestsDeeper('{"a":"\\"[[[[","b":1}', 1), false, 'an escaped quote does not end the string');
  assert.equal(jsonTextNestsDeeper('[]'.repeat(1000), 1), false, 'siblings are not depth');
  assert.equal(jsonTextNestsDeeper('['.repeat(1_000_000), 64), true, 'stops at the limit, whatever follows');
});

test('capDepth returns the value itself when it is shallow enough, else a copy cut at the depth with a marker', () => {
  const shallow = { a: { b: [1, { c: 2 }] } };
  assert.equal(capDepth(shallow, 4), shallow, 'no copy');
  assert.equal(nestsDeeper(shallow, 4), false);
  assert.equal(nestsDeeper(shallow, 3), true);
  assert.deepEqual(capDepth(shallow, 3), { a: { b: [1, TOO_DEEP_MARKER] } });
  assert.deepEqual(shallow, { a: { b: [1, { c: 2 }] } }, 'the original is untouched');
  assert.equal(capDepth('text', 0), 'text');
  assert.equal(capDepth({}, 0), TOO_DEEP_MARKER);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const capped = capDepth(deep, 64);
  assert.doesNotThrow(() => JSON.stringify(capped), 'a capped value always serializes');
  assert.equal(JSON.stringify(capped).split('{').length - 1, 64);
});

test('a "__proto__" key survives a cut as data, not as the copy’s prototype', () => {
  const parsed = JSON.parse('{"__proto__":{"admin":true},"x":{"y":{}}}');
  const cut = capDepth(parsed, 2) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(cut), Object.prototype);
  assert.deepEqual(Object.keys(cut), ['__proto__', 'x']);
  assert.equal((cut as { admin?: unknown }).admin, undefined);
});

test('what the store cannot hold: NUL and unpaired surrogates, found with their path', () => {
  assert.equal(unstorableIn('plain, é, 😀, \u0001, \u2028'), null);
  assert.match(unstorableIn('a\u0000b')!, /NUL/);
  for (const lone of ['\ud800', 'x\udbff', '\udc00', 'y\udfffz', '\ud83d\ud83d\ude00', '\ude00\ud83d']) assert.match(unstorableIn(lone)!, /surrogate/, JSON.stringify(lone));
  assert.deepEqual(findUnstorable({ ok: ['fine', { deep: ['x', 'bad\u0000'] }] }), { path: 'ok.1.deep.1', reason: unstorableIn('\u0000') });
  assert.deepEqual(findUnstorable({ ['k\ud800']: 1 }), { path: 'k\ufffd', reason: `the key ${unstorableIn('\ud800')}` });
  assert.deepEqual(findUnstorable('\u0000'), { path: '', reason: unstorableIn('\u0000') });
  assert.equal(findUnstorable({ a: [1, true, null, 'ok', { b: '😀' }] }), null);
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findUnstorable(deep)?.reason, unstorableIn('\u0000'), 'iterative: any depth');
});
