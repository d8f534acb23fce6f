import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId, newRequestId } from '../../src/domain/ids.js';
import { parseTopic, TOPIC_MAX_BYTES } from '../../src/domain/topics.js';

const P = '65a1b2c3d4e5f60718293a4b';
const R = 'support-group-65a1b2c3d4e5f60718293a4b-0123456789abcdef01234567';
const PU = '65a1b2c3d4e5f60718293a4c';
const U = '65a1b2c3d4e5f60718293a4d';

test('every documented topic form parses to its kind and ids', () => {
  assert.deepEqual(parseTopic(`/${P}/requests`), { kind: 'requests', projectId: P });
  assert.deepEqual(parseTopic(`/${P}/requests/${R}`), { kind: 'request', projectId: P, requestId: R });
  assert.deepEqual(parseTopic(`/${P}/requests/${R}/messages`), { kind: 'messages', projectId: P, requestId: R });
  assert.deepEqual(parseTopic(`/${P}/project_users/${PU}`), { kind: 'project_user', projectId: P, projectUserId: PU });
  assert.deepEqual(parseTopic(`/${P}/project_users/users/${U}`), { kind: 'project_user_by_user', projectId: P, userId: U });
  assert.deepEqual(parseTopic(`/${P}/project_users`), { kind: 'project_users', projectId: P });
  assert.deepEqual(parseTopic(`/${P}/metrics`), { kind: 'metrics', projectId: P });
  assert.deepEqual(parseTopic(`/${P}/alerts`), { kind: 'alerts', projectId: P });
  assert.deepEqual(parseTopic(`/${P}/events/${PU}`), { kind: 'events', projectId: P, contactId: PU, name: null });
  assert.deepEqual(parseTopic(`/${P}/events/${PU}/page.view:v2`), { kind: 'events', projectId: P, contactId: PU, name: 'page.view:v2' });
  assert.deepEqual(parseTopic(`/${P}/bots/${U}`), { kind: 'bots', projectId: P, botId: U });
});

test('events and bots topics: an id has no dots, a name no slashes, and nothing follows the name', () => {
  for (const t of [`/${P}/events`, `/${P}/events/a.b`, `/${P}/events/${PU}/`, `/${P}/events/${PU}/a/b`, `/${P}/events/${PU}/a b`, `/${P}/bots`, `/${P}/bots/${U}/x`]) {
    assert.equal(parseTopic(t), null, t);
  }
});

test('ids this server generates are accepted in topics', () => {
  const p = newId();
  const r = newRequestId(p);
  assert.deepEqual(parseTopic(`/${p}/requests/${r}/messages`), { kind: 'messages', projectId: p, requestId: r });
});

test('"users" is reserved in the project_users path, never a project-user id', () => {
  assert.equal(parseTopic(`/${P}/project_users/users`), null);
  // …but it may still be a user id below it, and a project-user id that merely contains it is fine.
  assert.deepEqual(parseTopic(`/${P}/project_users/users/users`), { kind: 'project_user_by_user', projectId: P, userId: 'users' });
  assert.deepEqual(parseTopic(`/${P}/project_users/users2`), { kind: 'project_user', projectId: P, projectUserId: 'users2' });
});

test('the empty string and a lone slash are not topics', () => {
  assert.equal(parseTopic(''), null);
  assert.equal(parseTopic('/'), null);
});

test('path tricks are refused: .., //, trailing slash, missing leading slash, extra segments', () => {
  const bad = [
    `/${P}/requests/..`,
    `/${P}/requests/../messages`,
    `/../requests`,
    `/./requests`,
    `/${P}/requests/./messages`,
    `//${P}/requests`,
    `/${P}//requests`,
    `/${P}/requests//${R}`,
    `/${P}/requests/`,
    `/${P}/requests/${R}/`,
    `/${P}/requests/${R}/messages/`,
    `/${P}/project_users/`,
    `${P}/requests`,
    `/${P}/requests/${R}/messages/extra`,
    `/${P}/requests/${R}/${R}`,
    `/${P}/metrics/x`,
    `/${P}`,
    `/${P}/unknown`,
    `/${P}/Requests`,
  ];
  for (const topic of bad) assert.equal(parseTopic(topic), null, topic);
});

test('spaces, control characters, query strings and encodings are refused', () => {
  const bad = [
    ` /${P}/requests`,
    `/${P}/requests `,
    `/${P} /requests`,
    `/${P}/requests/${R}\n`,
    `/${P}/requests\u0000`,
    `/${P}/requests\t`,
    `/${P}/requests?x=1`,
    `/${P}/requests#x`,
    `/${P}%2Frequests`,
    `/${P}/requests/a%20b`,
    `/${P}/requests/a.b`,
    `/${P}/requests/a\\b`,
  ];
  for (const topic of bad) assert.equal(parseTopic(topic), null, JSON.stringify(topic));
});

test('unicode lookalikes of slashes, letters and digits are refused', () => {
  const bad = [
    `\u2215${P}/requests`, // DIVISION SLASH
    `/${P}\uFF0Frequests`, // FULLWIDTH SOLIDUS
    `/${P}/r\u0435quests`, // Cyrillic "е"
    `/${P}/requ\u0435sts/${R}`,
    `/\u0661\u0662\u0663/requests`, // Arabic-Indic digits
    `/${P}/requests/caf\u00e9`,
    `/${P}/requests/a\u200Bb`, // zero-width space
    `/${P}/metrics\u200D`,
  ];
  for (const topic of bad) assert.equal(parseTopic(topic), null, JSON.stringify(topic));
});

test(`topics longer than ${TOPIC_MAX_BYTES} bytes are refused even when every id is within its own bound`, () => {
  // Two 128-character ids can only reach 276 bytes, so the total bound is what separates 256 from 257 bytes.
  const topic = (requestIdLength: number) => `/${'p'.repeat(128)}/requests/${'r'.repeat(requestIdLength)}/messages`;
  assert.equal(Buffer.byteLength(topic(108)), TOPIC_MAX_BYTES);
  assert.notEqual(parseTopic(topic(108)), null, 'exactly at the limit');
  assert.equal(parseTopic(topic(109)), null, 'one byte over the limit');
  assert.equal(parseTopic(topic(128)), null);
});

test('a 300-byte topic is refused', () => {
  const topic = `/${P}/requests/${'a'.repeat(300 - `/${P}/requests/`.length)}`;
  assert.equal(Buffer.byteLength(topic), 300);
  assert.equal(parseTopic(topic), null);
});

test('an id longer than 128 characters is refused even inside the byte limit', () => {
  assert.equal(parseTopic(`/p/requests/${'a'.repeat(129)}`), null);
  assert.notEqual(parseTopic(`/p/requests/${'a'.repeat(128)}`), null);
});
