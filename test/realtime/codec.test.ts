import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeskwireError } from '../../src/domain/errors.js';
import { decodeClientFrame, errorPayload, exceedsUtf8Bytes } from '../../src/protocol/codec.js';
import { CloseCode, shouldReconnect } from '../../src/protocol/close-codes.js';

const code = (text: string, limits?: Parameters<typeof decodeClientFrame>[1]) => {
  const r = decodeClientFrame(text, limits);
  return r instanceof DeskwireError ? r.code : r.action;
};

test('the frames Tiledesk clients send decode as they mean', () => {
  // JSON.stringify drops the undefined message/method the dashboard puts in its subscribe payload.
  assert.deepEqual(decodeClientFrame('{"action":"subscribe","payload":{"topic":"/p/requests"}}'), { action: 'subscribe', payload: { topic: '/p/requests' } });
  assert.deepEqual(decodeClientFrame('{"action":"heartbeat","payload":{"message":{"text":"ping"}}}'), {
    action: 'heartbeat',
    payload: { message: { text: 'ping' } },
  });
  assert.deepEqual(decodeClientFrame('{"action":"me"}'), { action: 'me', payload: {} });
  assert.deepEqual(decodeClientFrame('{"action":"subscribe","payload":{"topic":"/p/requests","since":5,"epoch":"e","message":null}}'), {
    action: 'subscribe',
    payload: { topic: '/p/requests', since: 5, epoch: 'e' },
  });
  assert.deepEqual(decodeClientFrame('{"action":"subscribe","payload":{"topic":"/p/requests","since":null}}'), {
    action: 'subscribe',
    payload: { topic: '/p/requests' },
  });
});

test('what is not a valid frame says which code applies', () => {
  assert.equal(code('{'), 'FRAME_INVALID');
  assert.equal(code('{"action":"publish","payload":{}}'), 'ACTION_FORBIDDEN');
  assert.equal(code('{"action":"broadcast"}'), 'ACTION_FORBIDDEN');
  assert.equal(code('{"action":"toString"}'), 'ACTION_UNKNOWN');
  assert.equal(code('{"action":"me","payload":7}'), 'FRAME_INVALID');
  assert.equal(code(`{"action":"refresh","payload":{"token":"${'a'.repeat(9000)}"}}`), 'FRAME_INVALID');
  assert.equal(code(`{"action":"subscribe","payload":{"topic":"x","since":${2 ** 60}}}`), 'FRAME_INVALID');
  const withTopic = decodeClientFrame('{"action":"subscribe","payload":{"topic":"/p/requests","since":-1}}') as DeskwireError;
  assert.equal(withTopic.details.topic, '/p/requests');
});

test('size and nesting are bounded before parsing; brackets inside strings do not count', () => {
  assert.equal(code(`{"action":"me","payload":{"x":"${'a'.repeat(300)}"}}`, { maxBytes: 256, maxDepth: 16 }), 'FRAME_TOO_LARGE');
  assert.equal(code(`{"action":"me","payload":{"x":"${'é'.repeat(120)}"}}`, { maxBytes: 256, maxDepth: 16 }), 'FRAME_TOO_LARGE');
  assert.equal(code(`{"action":"me","payload":{"x":"${'é'.repeat(100)}"}}`, { maxBytes: 256, maxDepth: 16 }), 'me');
  assert.equal(code('{"action":"me","payload":' + '['.repeat(17) + ']'.repeat(17) + '}'), 'FRAME_TOO_DEEP');
  assert.equal(code('{"action":"me","payload":' + '['.repeat(15) + ']'.repeat(15) + '}'), 'FRAME_INVALID', '16 levels pass the depth check');
  assert.equal(code('{"action":"me","payload":{"a":' + '['.repeat(4) + ']'.repeat(4) + '}}', { maxBytes: 256, maxDepth: 5 }), 'FRAME_TOO_DEEP');
  assert.equal(code('{"action":"me","payload":{"a":' + '['.repeat(3) + ']'.repeat(3) + '}}', { maxBytes: 256, maxDepth: 5 }), 'me');
  assert.equal(code('{"action":"me","payload":{"x":"' + '[{'.repeat(100) + '\\"'.repeat(3) + '"}}'), 'me');
  const text = 'a€😀'; // 1 + 3 + 4 bytes
  assert.deepEqual([7, 8].map((max) => exceedsUtf8Bytes(text, max)), [true, false]);
  assert.equal(exceedsUtf8Bytes('€'.repeat(100), 299), true);
});

test('a string the store cannot hold, anywhere in a frame, is FRAME_INVALID naming where', () => {
  const cases: [string, string][] = [
    ['{"action":"subscribe","payload":{"topic":"/p/requests","epoch":"e\\ud800"}}', 'payload.epoch'],
    ['{"action":"refresh","payload":{"token":"JWT \\udc00x"}}', 'payload.token'],
    ['{"action":"heartbeat","payload":{"message":{"text":"ping\\u0000"}}}', 'payload.message.text'],
    ['{"action":"me","payload":{"k\\u0000":1}}', 'payload.k\ufffd'],
    ['{"action":"\\u0000"}', 'action'],
  ];
  for (const [text, path] of cases) {
    const r = decodeClientFrame(text);
    assert.ok(r instanceof DeskwireError, text);
    assert.equal(r.code, 'FRAME_INVALID', text);
    assert.ok(r.message.startsWith(`${path}: `), `${text}: ${r.message}`);
  }
  // A topic has its own rule (TOPIC_INVALID, later): the codec lets it through as it is.
  assert.deepEqual(decodeClientFrame('{"action":"subscribe","payload":{"topic":"/p/requests\\u0000"}}'), { action: 'subscribe', payload: { topic: '/p/requests\u0000' } });
  // A surrogate pair is one character, not a problem; nor is any other control character.
  assert.equal(code('{"action":"heartbeat","payload":{"message":{"text":"\\ud83d\\ude00 \\u0001"}}}'), 'heartbeat');
});

test('error payloads carry the catalogue’s retryable flag and the topic when there is one', () => {
  assert.deepEqual(errorPayload(new DeskwireError('SUBSCRIBE_FORBIDDEN'), '/p/requests'), {
    code: 'SUBSCRIBE_FORBIDDEN',
    message: 'This topic does not exist or is not visible to you.',
    retryable: false,
    topic: '/p/requests',
  });
  assert.equal(errorPayload(new DeskwireError('RATE_LIMITED', undefined, { retry_after_seconds: 3 })).retry_after_seconds, 3);
});

test('close codes: which ones a client should not retry unchanged', () => {
  assert.equal(shouldReconnect(CloseCode.GOING_AWAY), true);
  assert.equal(shouldReconnect(CloseCode.SLOW_CONSUMER), true);
  assert.equal(shouldReconnect(CloseCode.POLICY_VIOLATION), false);
  assert.equal(shouldReconnect(CloseCode.REVOKED), false);
});
