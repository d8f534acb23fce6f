import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { errors, isErrorCode, type ErrorCode } from '../../src/domain/errors.js';
import { newRequestId, signUp } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

/** A raw call: the body is sent exactly as given, so it can be invalid JSON or oversized. */
async function send(baseUrl: string, method: string, path: string, opts: { token?: string; body?: string | object; contentType?: string } = {}): Promise<Answer> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.token) headers.authorization = opts.token;
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    assert.fail(`${method} ${path}: the answer is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body: parsed };
}

/** The one error shape: `{error, message}` with a catalogue code and the catalogue's HTTP status. */
function assertError(answer: Answer, code: ErrorCode, what: string): void {
  assert.equal(answer.status, errors[code].http, `${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.match(answer.contentType ?? '', /^application\/json/, `${what}: content type`);
  assert.equal(typeof answer.body, 'object', what);
  assert.ok(isErrorCode(answer.body.error), `${what}: ${answer.body.error} is a catalogue code`);
  assert.equal(answer.body.error, code, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal(typeof answer.body.message, 'string', `${what}: message`);
  assert.ok(answer.body.message.length > 0, `${what}: message is not empty`);
}

for (const kind of storeKinds()) {
  describe(`bad input (${kind})`, () => {
    const suite = useDesk(kind);
    let pid: string;
    let token: string;
    /** An open request of the desk, with one message. */
    let rid: string;
    let mid: string;

    async function footprint() {
      const [row] = await suite.app.db.query<Record<string, number | string | null>>(
        `SELECT (SELECT count(*)::int FROM events) AS events,
                (SELECT count(*)::int FROM requests) AS requests,
                (SELECT count(*)::int FROM messages) AS messages,
                (SELECT count(*)::int FROM users) AS users,
                (SELECT count(*)::int FROM projects) AS projects,
                (SELECT count(*)::int FROM project_users) AS project_users,
                (SELECT count(*)::int FROM departments) AS departments,
                (SELECT count(*)::int FROM leads) AS leads,
                (SELECT max(updated_at)::text FROM requests) AS requests_changed,
                (SELECT max(updated_at)::text FROM project_users) AS project_users_changed,
                (SELECT max(updated_at)::text FROM departments) AS departments_changed`,
      );
      return row!;
    }

    /** Runs the calls, each expecting `code`, and checks that none of them wrote anything. */
    async function expectAll(code: ErrorCode, calls: [string, () => Promise<Answer>][]): Promise<void> {
      const before = await footprint();
      for (const [what, call] of calls) assertError(await call(), code, what);
      assert.deepEqual(await footprint(), before, 'nothing was written');
    }

    const as = (method: string, path: string, body?: string | object, contentType?: string) => () =>
      send(suite.app.url, method, path, { token, ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}) });

    before(async () => {
      pid = suite.desk.projectId;
      token = suite.desk.owner.token;
      rid = newRequestId(pid);
      const visitor = await suite.desk.visitor();
      mid = expectStatus(await visitor.rest.post(`/${pid}/requests/${rid}/messages`, { text: 'hello' }), 201)._id;
    });

    test('invalid JSON, an empty JSON body and a body that is not an object are BODY_INVALID', async () => {
      const messages = `/${pid}/requests/${rid}/messages`;
      await expectAll('BODY_INVALID', [
        ['truncated JSON', as('POST', messages, '{"text": ')],
        ['single quotes', as('POST', messages, "{'text': 'hi'}")],
        ['trailing garbage', as('POST', messages, '{"text": "hi"} x')],
        ['empty body', as('POST', messages, '')],
        ['a string', as('POST', messages, '"hi"')],
        ['an array', as('POST', messages, '[{"text": "hi"}]')],
        ['null', as('POST', messages, 'null')],
        ['__proto__ key', as('POST', messages, '{"__proto__": {"admin": true}, "text": "hi"}')],
        ['constructor.prototype key', as('POST', messages, '{"constructor": {"prototype": {"admin": true}}, "text": "hi"}')],
        ['not JSON at all', as('POST', messages, 'text=hi', 'text/plain')],
        ['invalid JSON on PATCH', as('PATCH', `/${pid}/requests/${rid}`, '{tags:[]}')],
        ['invalid JSON on signup', () => send(suite.app.url, 'POST', '/auth/signup', { body: '{"email":' })],
        ['invalid JSON on a new project', as('POST', '/projects', '{"name": "x",}')],
      ]);
    });

    test('missing fields are BODY_INVALID', async () => {
      await expectAll('BODY_INVALID', [
        ['message without text', as('POST', `/${pid}/requests/${rid}/messages`, {})],
        ['message without a body at all', () => send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token })],
        ['message starting a request without text', as('POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { type: 'text' })],
        ['signup without password', () => send(suite.app.url, 'POST', '/auth/signup', { body: { email: 'nopass@test.deskwire' } })],
        ['signup without email', () => send(suite.app.url, 'POST', '/auth/signup', { body: { password: 'long enough password' } })],
        ['signin without password', () => send(suite.app.url, 'POST', '/auth/signin', { body: { email: suite.desk.owner.email } })],
        ['anonymous signin without project', () => send(suite.app.url, 'POST', '/auth/signinAnonymously', { body: { firstname: 'x' } })],
        ['project without name', as('POST', '/projects', {})],
        ['invite without role', as('POST', `/${pid}/project_users/invite`, { email: suite.desk.agentA.email })],
        ['invite without email', as('POST', `/${pid}/project_users/invite`, { role: 'agent' })],
        ['department without name', as('POST', `/${pid}/departments`, { routing: 'pooled' })],
        ['participant without member', as('POST', `/${pid}/requests/${rid}/participants`, {})],
        ['message status without status', as('PATCH', `/${pid}/requests/${rid}/messages/${mid}`, {})],
      ]);
    });

    test('mistyped and out-of-range fields are BODY_INVALID', async () => {
      const agentPu = `/${pid}/project_users/${suite.desk.agentA.projectUserId}`;
      await expectAll('BODY_INVALID', [
        ['text: 5', as('POST', `/${pid}/requests/${rid}/messages`, { text: 5 })],
        ['text: null', as('POST', `/${pid}/requests/${rid}/messages`, { text: null })],
        ['text over 8192 characters', as('POST', `/${pid}/requests/${rid}/messages`, { text: 'x'.repeat(8193) })],
        ['message type: video', as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', type: 'video' })],
        ['attributes: a string', as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', attributes: 'x' })],
        ['a new request with text: 5', as('POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { text: 5 })],
        ['invite role: god', as('POST', `/${pid}/project_users/invite`, { email: suite.desk.agentA.email, role: 'god' })],
        ['invite email: not an email', as('POST', `/${pid}/project_users/invite`, { email: 'nobody', role: 'agent' })],
        ['role: god', as('PUT', agentPu, { role: 'god' })],
        ['status: x', as('PUT', agentPu, { status: 'x' })],
        ['max_assigned_chat: -1', as('PUT', agentPu, { max_assigned_chat: -1 })],
        ['max_assigned_chat: "3"', as('PUT', agentPu, { max_assigned_chat: '3' })],
        ['an unknown project-user field', as('PUT', agentPu, { number_assigned_requests: 0 })],
        ['user_available: "yes"', as('PUT', `/${pid}/project_users`, { user_available: 'yes' })],
        ['list limit: 1000', as('GET', `/${pid}/requests?limit=1000`)],
        ['list limit: 101', as('GET', `/${pid}/requests?limit=101`)],
        ['list limit: 0', as('GET', `/${pid}/requests?limit=0`)],
        ['list page: -1', as('GET', `/${pid}/requests?page=-1`)],
        ['list page: 1.5', as('GET', `/${pid}/requests?page=1.5`)],
        ['list page: abc', as('GET', `/${pid}/requests?page=abc`)],
        ['list status: x', as('GET', `/${pid}/requests?status=x`)],
        ['list status: 100,', as('GET', `/${pid}/requests?status=100,`)],
        ['messages limit: 1001', as('GET', `/${pid}/requests/${rid}/messages?limit=1001`)],
        ['messages page: -1', as('GET', `/${pid}/requests/${rid}/messages?page=-1`)],
        ['project_users role filter: god', as('GET', `/${pid}/project_users?role=agent,god`)],
        ['priority: x', as('PATCH', `/${pid}/requests/${rid}`, { priority: 'x' })],
        ['tags: a string', as('PATCH', `/${pid}/requests/${rid}`, { tags: 'vip' })],
        ['an unknown request field', as('PATCH', `/${pid}/requests/${rid}`, { status: 1000 })],
        ['message status: 42', as('PATCH', `/${pid}/requests/${rid}/messages/${mid}`, { status: 42 })],
        ['department routing: x', as('POST', `/${pid}/departments`, { name: 'X', routing: 'x' })],
        ['department members: a string', as('PUT', `/${pid}/departments/${suite.desk.supportId}`, { members: suite.desk.agentA.userId })],
        ['department name: empty', as('PUT', `/${pid}/departments/${suite.desk.supportId}`, { name: '  ' })],
        ['project name: 5', as('POST', '/projects', { name: 5 })],
        ['project setting: unknown', as('PUT', `/projects/${pid}`, { settings: { chat_limit_on: 'yes' } })],
        ['signup password: too short', () => send(suite.app.url, 'POST', '/auth/signup', { body: { email: 'short@test.deskwire', password: 'short' } })],
        ['signup email: 5', () => send(suite.app.url, 'POST', '/auth/signup', { body: { email: 5, password: 'long enough password' } })],
      ]);
    });

    test('well-formed ids that do not exist are NOT_FOUND', async () => {
      const absent = '0123456789abcdef01234567';
      const absentRid = newRequestId(pid);
      await expectAll('NOT_FOUND', [
        ['project', as('GET', `/projects/${absent}`)],
        ['requests of an absent project', as('GET', `/${absent}/requests`)],
        ['message to an absent project', as('POST', `/${absent}/requests/${absentRid}/messages`, { text: 'hi' })],
        ['project users of an absent project', as('GET', `/${absent}/project_users`)],
        ['request', as('GET', `/${pid}/requests/${absentRid}`)],
        ['messages of an absent request', as('GET', `/${pid}/requests/${absentRid}/messages`)],
        ['PATCH an absent request', as('PATCH', `/${pid}/requests/${absentRid}`, { tags: ['x'] })],
        ['close an absent request', as('PUT', `/${pid}/requests/${absentRid}/close`)],
        ['reopen an absent request', as('PUT', `/${pid}/requests/${absentRid}/reopen`)],
        ['join an absent request', as('POST', `/${pid}/requests/${absentRid}/participants`, { member: suite.desk.owner.userId })],
        ['remove a non-participant', as('DELETE', `/${pid}/requests/${rid}/participants/${suite.desk.agentA.userId}`)],
        ['absent message', as('PATCH', `/${pid}/requests/${rid}/messages/${absent}`, { status: 300 })],
        ['project user', as('GET', `/${pid}/project_users/${absent}`)],
        ['PUT an absent project user', as('PUT', `/${pid}/project_users/${absent}`, { max_assigned_chat: 3 })],
        ['department', as('GET', `/${pid}/departments/${absent}`)],
        ['PUT an absent department', as('PUT', `/${pid}/departments/${absent}`, { name: 'X' })],
        ['DELETE an absent department', as('DELETE', `/${pid}/departments/${absent}`)],
        ['invite an unknown email', as('POST', `/${pid}/project_users/invite`, { email: 'nobody@test.deskwire', role: 'agent' })],
        ['anonymous signin to an absent project', () => send(suite.app.url, 'POST', '/auth/signinAnonymously', { body: { id_project: absent } })],
      ]);
    });

    /** Every route that takes an id in its path, with `bad` in that place. */
    function pathIdCalls(bad: string): [string, () => Promise<Answer>][] {
      return [
        [`project ${bad}`, as('GET', `/projects/${bad}`)],
        [`requests of project ${bad}`, as('GET', `/${bad}/requests`)],
        [`request ${bad}`, as('GET', `/${pid}/requests/${bad}`)],
        [`message to request ${bad}`, as('POST', `/${pid}/requests/${bad}/messages`, { text: 'hi' })],
        [`close request ${bad}`, as('PUT', `/${pid}/requests/${bad}/close`)],
        [`participant ${bad}`, as('DELETE', `/${pid}/requests/${rid}/participants/${bad}`)],
        [`message ${bad}`, as('PATCH', `/${pid}/requests/${rid}/messages/${bad}`, { status: 300 })],
        [`project user ${bad}`, as('PUT', `/${pid}/project_users/${bad}`, { max_assigned_chat: 3 })],
        [`department ${bad}`, as('DELETE', `/${pid}/departments/${bad}`)],
      ];
    }

    test('ids with characters outside [A-Za-z0-9_-] in a path are BODY_INVALID, not a lookup', async () => {
      await expectAll('BODY_INVALID', ['a..b', 'a.b', 'a%20b', 'a%00b', 'a%2Fb', 'a:b', 'a%C3%A9b'].flatMap(pathIdCalls));
    });

    test('ids over 128 characters in a path are BODY_INVALID', async () => {
      await expectAll('BODY_INVALID', [129, 200, 1000].flatMap((n) => pathIdCalls('a'.repeat(n))));
    });

    test('a path with broken percent-encoding is BODY_INVALID in the catalogue shape', async () => {
      await expectAll('BODY_INVALID', [...pathIdCalls('a%zzb'), ...pathIdCalls('a%E0%A4%A')]);
    });

    test('malformed ids in bodies are BODY_INVALID', async () => {
      const calls: [string, () => Promise<Answer>][] = [];
      for (const bad of ['a..b', 'a b', '', 'a'.repeat(129), 5]) {
        const label = JSON.stringify(bad);
        calls.push(
          [`departmentid ${label}`, as('POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { text: 'hi', departmentid: bad })],
          [`member ${label}`, as('POST', `/${pid}/requests/${rid}/participants`, { member: bad })],
          [`department members ${label}`, as('PUT', `/${pid}/departments/${suite.desk.supportId}`, { members: [bad] })],
          [`id_project ${label}`, () => send(suite.app.url, 'POST', '/auth/signinAnonymously', { body: { id_project: bad } })],
        );
      }
      await expectAll('BODY_INVALID', calls);
    });

    test('an id of the longest allowed length (128) reaches its route', async () => {
      // route-kit allows ids of 1–128 characters; every one of them must be routable, not only the short ones.
      const longest = newRequestId(pid).padEnd(128, 'x');
      await expectAll('NOT_FOUND', [['GET a 128-character request id', as('GET', `/${pid}/requests/${longest}`)]]);
      const created = expectStatus(await suite.desk.owner.rest.post(`/${pid}/requests/${longest}/messages`, { text: 'long id' }), 201);
      assert.equal(created.request.request_id, longest);
    });

    test('ids of another project in a body are BODY_INVALID and create nothing', async () => {
      const stranger = await signUp(suite.app.url, 'stranger');
      const otherId: string = expectStatus(await stranger.rest.post('/projects', { name: 'Other' }), 201).id;
      const otherDepartment: string = expectStatus(await stranger.rest.get(`/${otherId}/departments`), 200)[0].id;
      const newRid = newRequestId(pid);
      await expectAll('BODY_INVALID', [
        ['departmentid of another project', as('POST', `/${pid}/requests/${newRid}/messages`, { text: 'hi', departmentid: otherDepartment })],
        ['departmentid of another project, posted by agent D', () =>
          send(suite.app.url, 'POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { token: suite.desk.agentD.token, body: { text: 'hi', departmentid: otherDepartment } })],
        ['a participant from another project', as('POST', `/${pid}/requests/${rid}/participants`, { member: stranger.userId })],
        ['a department member from another project', as('PUT', `/${pid}/departments/${suite.desk.supportId}`, { members: [stranger.userId] })],
      ]);
      assert.equal((await send(suite.app.url, 'GET', `/${pid}/requests/${newRid}`, { token })).status, 404, 'the request was not created');
    });

    test('a body over HTTP_BODY_MAX_BYTES (65536 by default) is BODY_TOO_LARGE; one at the limit is accepted', async () => {
      assert.equal(suite.app.config.httpBodyMaxBytes, 65536);
      const sized = (bytes: number) => {
        const head = '{"text":"padded","attributes":{"pad":"';
        const tail = '"}}';
        return head + 'p'.repeat(bytes - head.length - tail.length) + tail;
      };
      assert.equal(Buffer.byteLength(sized(65537)), 65537);
      await expectAll('BODY_TOO_LARGE', [
        ['one byte over, on a message', as('POST', `/${pid}/requests/${rid}/messages`, sized(65537))],
        ['one byte over, on a new request', as('POST', `/${pid}/requests/${newRequestId(pid)}/messages`, sized(65537))],
        ['a megabyte, on signup', () => send(suite.app.url, 'POST', '/auth/signup', { body: sized(1024 * 1024) })],
        ['over the limit, without a token', () => send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { body: sized(65537) })],
      ]);
      const atLimit = await send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token, body: sized(65536) });
      assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body).slice(0, 200));
    });

    test('a body nesting deeper than HTTP_BODY_MAX_DEPTH (32) is BODY_TOO_DEEP, with or without a token; one at the limit is accepted', async () => {
      assert.equal(suite.app.config.httpBodyMaxDepth, 32);
      const visitor = await suite.desk.visitor('deep');
      /** `{"text":"hi","attributes":{"a":{"a":…1…}}}`: the body is level 1, `attributes` level 2. */
      const deep = (levels: number) => '{"text":"hi","attributes":' + '{"a":'.repeat(levels - 1) + '1' + '}'.repeat(levels - 1) + '}';
      // The issue's payload: an anonymous visitor's message whose attributes nest 4,112 levels (about 25 KB).
      const poison = '{"text":"hi","attributes":' + '{"a":'.repeat(4112) + '}'.repeat(4112) + '}';
      assert.ok(poison.length > 24_000 && poison.length < 65_536, 'under the size limit: only the depth refuses it');
      const asVisitor = (path: string, body: string) => () => send(suite.app.url, 'POST', path, { token: visitor.token, body });
      const fresh = newRequestId(pid);
      await expectAll('BODY_TOO_DEEP', [
        ['the issue’s 4,112 levels, starting a request', asVisitor(`/${pid}/requests/${fresh}/messages`, poison)],
        ['the issue’s 4,112 levels, on an existing request', as('POST', `/${pid}/requests/${rid}/messages`, poison)],
        ['one level over', asVisitor(`/${pid}/requests/${newRequestId(pid)}/messages`, deep(33))],
        ['arrays count too', as('PATCH', `/${pid}/requests/${rid}`, '{"tags":' + '['.repeat(40) + ']'.repeat(40) + '}')],
        ['without a token, on signup', () => send(suite.app.url, 'POST', '/auth/signup', { body: '{"email":' + '['.repeat(100) + ']'.repeat(100) + '}' })],
        ['without a token, on anonymous sign-in', () => send(suite.app.url, 'POST', '/auth/signinAnonymously', { body: deep(5000) })],
        ['a project', as('POST', '/projects', '{"name":"x","extra":' + '{"a":'.repeat(60) + '1' + '}'.repeat(60) + '}')],
      ]);
      const refused = await send(suite.app.url, 'POST', `/${pid}/requests/${fresh}/messages`, { token: visitor.token, body: poison });
      assert.deepEqual([refused.body.limit, refused.body.max], ['HTTP_BODY_MAX_DEPTH', 32], 'the refusal names the limit');
      assert.equal((await send(suite.app.url, 'GET', `/${pid}/requests/${fresh}`, { token })).status, 404, 'no request was created');
      const atLimit = await send(suite.app.url, 'POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { token: visitor.token, body: deep(32) });
      assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body).slice(0, 200));
      // Brackets inside strings are text, not nesting.
      const bracketText = await send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token, body: { text: '['.repeat(100) + '{'.repeat(100) } });
      assert.equal(bracketText.status, 201);
      assert.equal((await send(suite.app.url, 'GET', `/${pid}/requests`, { token })).status, 200, 'the project still lists');
    });

    test('NUL and unpaired surrogates anywhere in a body are BODY_INVALID, before sign-in too, and write nothing', async () => {
      const visitor = await suite.desk.visitor('chars');
      const bad = ['a\u0000b', '\u0000', 'x\ud800', '\udc00y', 'ok\udbff\u0041'];
      const calls: [string, () => Promise<Answer>][] = [];
      for (const s of bad) {
        const label = JSON.stringify(s);
        calls.push(
          [`signin email ${label}`, () => send(suite.app.url, 'POST', '/auth/signin', { body: { email: `a${s}@test.deskwire`, password: 'whatever pass' } })],
          [`signin password ${label}`, () => send(suite.app.url, 'POST', '/auth/signin', { body: { email: suite.desk.owner.email, password: s } })],
          [`signup firstname ${label}`, () => send(suite.app.url, 'POST', '/auth/signup', { body: { email: `new-${bad.indexOf(s)}@test.deskwire`, password: 'long enough password', firstname: s } })],
          [`anonymous firstname ${label}`, () => send(suite.app.url, 'POST', '/auth/signinAnonymously', { body: { id_project: pid, firstname: s } })],
          [`message text ${label}`, () => send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token: visitor.token, body: { text: s } })],
          [`new request text ${label}`, () => send(suite.app.url, 'POST', `/${pid}/requests/${newRequestId(pid)}/messages`, { token: visitor.token, body: { text: s } })],
          [`attribute value ${label}`, as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', attributes: { deep: { list: ['fine', s] } } })],
          [`attribute key ${label}`, as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', attributes: { [s]: 1 } })],
          [`metadata ${label}`, as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', metadata: { src: s } })],
          [`subject ${label}`, as('PATCH', `/${pid}/requests/${rid}`, { subject: s })],
          [`tag ${label}`, as('PATCH', `/${pid}/requests/${rid}`, { tags: ['vip', s] })],
          [`project name ${label}`, as('POST', '/projects', { name: s })],
          [`department name ${label}`, as('PUT', `/${pid}/departments/${suite.desk.supportId}`, { name: `Support ${s}` })],
          [`profileStatus ${label}`, as('PUT', `/${pid}/project_users`, { profileStatus: s })],
          [`an ignored field ${label}`, as('POST', `/${pid}/requests/${rid}/messages`, { text: 'hi', senderFullname: s })],
        );
      }
      await expectAll('BODY_INVALID', calls);
      const answer = await send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token, body: { text: 'hi', attributes: { deep: { list: ['fine', 'x\u0000'] } } } });
      assert.deepEqual(answer.body.issues, [{ path: 'attributes.deep.list.1', message: 'contains a NUL character (U+0000), which cannot be stored' }], 'the issue names where');
      // Surrogate pairs (emoji) and other control characters are ordinary text.
      assert.equal((await send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token, body: { text: 'ok 😀 \u0001\u001f', attributes: { '😀': '\ud83d\ude00' } } })).status, 201);
    });

    // A URL carries UTF-8, which has no lone surrogates (`%ED%A0%80` is left undecoded, as text): NUL is what gets through.
    test('NUL in a query string or path is BODY_INVALID', async () => {
      await expectAll('BODY_INVALID', [
        ['status with NUL', as('GET', `/${pid}/requests?status=100%00`)],
        ['role filter with NUL', as('GET', `/${pid}/project_users?role=agent%00`)],
        ['an unknown query parameter with NUL', as('GET', `/${pid}/requests?x=%00`)],
        ['a NUL in a path id', as('GET', `/${pid}/requests/a%00b`)],
        ['a NUL in a metrics query', as('GET', `/${pid}/metrics/staffing?target=0.8%00`)],
      ]);
    });

    test('integers out of range in a query or a body are BODY_INVALID, never a store error', async () => {
      const agentPu = `/${pid}/project_users/${suite.desk.agentA.projectUserId}`;
      await expectAll('BODY_INVALID', [
        ['status 2147483648', as('GET', `/${pid}/requests?status=2147483648`)],
        ['status -2147483649', as('GET', `/${pid}/requests?status=100,-2147483649`)],
        ['status 99999999999999999999', as('GET', `/${pid}/requests?status=99999999999999999999`)],
        ['page 2147483648', as('GET', `/${pid}/requests?page=2147483648`)],
        ['page 1000001', as('GET', `/${pid}/requests?page=1000001`)],
        ['page 1e400', as('GET', `/${pid}/requests?page=1e400`)],
        ['limit 2147483648', as('GET', `/${pid}/requests?limit=2147483648`)],
        ['messages page 99999999999999999999', as('GET', `/${pid}/requests/${rid}/messages?page=99999999999999999999`)],
        ['max_assigned_chat 2147483648', as('PUT', agentPu, { max_assigned_chat: 2147483648 })],
        ['max_assigned_chat 1e300', as('PUT', agentPu, { max_assigned_chat: 1e300 })],
        ['service_level_seconds 2147483648', as('PUT', `/projects/${pid}`, { settings: { service_level_seconds: 2147483648 } })],
        ['a limit override of 2^53', as('PUT', `/projects/${pid}/limits`, { rest_reads_per_minute: 2 ** 53 })],
        ['a limit override of 2147483648', as('PUT', `/projects/${pid}/limits`, { rest_reads_per_minute: 2147483648 })],
        ['message status 2147483648', as('PATCH', `/${pid}/requests/${rid}/messages/${mid}`, { status: 2147483648 })],
        ['staffing arrivals 1e308', as('GET', `/${pid}/metrics/staffing?arrivals_per_hour=1e308`)],
      ]);
      // The largest page is still a page: an empty one.
      const last = await send(suite.app.url, 'GET', `/${pid}/requests?page=1000000`, { token });
      assert.deepEqual([last.status, last.body.requests], [200, []]);
    });

    test('empty or whitespace-only text without an attachment is BODY_INVALID; an image with metadata.src may have none', async () => {
      const visitor = await suite.desk.visitor('blank');
      const post = (path: string, body: object) => () => send(suite.app.url, 'POST', path, { token: visitor.token, body });
      const calls: [string, () => Promise<Answer>][] = [];
      for (const text of ['', ' ', '\n\t ', '\u00a0\u2003', '\ufeff']) {
        calls.push(
          [`a new request with ${JSON.stringify(text)}`, post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text })],
          [`a reply with ${JSON.stringify(text)}`, as('POST', `/${pid}/requests/${rid}/messages`, { text })],
        );
      }
      calls.push(
        ['an image without metadata', post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: '', type: 'image' })],
        ['an image with an empty src', post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: ' ', type: 'image', metadata: { src: ' ' } })],
        ['a text message with metadata.src', post(`/${pid}/requests/${newRequestId(pid)}/messages`, { text: '', type: 'text', metadata: { src: 'https://x.test/a.png' } })],
      );
      await expectAll('BODY_INVALID', calls);
      const refused = await send(suite.app.url, 'POST', `/${pid}/requests/${rid}/messages`, { token, body: { text: '  ' } });
      assert.equal(refused.body.issues[0].path, 'text');
      const image = await send(suite.app.url, 'POST', `/${pid}/requests/${newRequestId(pid)}/messages`, {
        token: visitor.token,
        body: { text: '', type: 'image', metadata: { src: 'https://files.test/photo.png', width: 10, height: 10 } },
      });
      assert.equal(image.status, 201, JSON.stringify(image.body));
      assert.equal(image.body.text, '');
    });

    test('unknown routes are ROUTE_NOT_FOUND, with or without a token', async () => {
      await expectAll('ROUTE_NOT_FOUND', [
        ['GET /', as('GET', '/')],
        ['GET /nope', as('GET', '/nope')],
        ['POST /auth/nope', () => send(suite.app.url, 'POST', '/auth/nope', { body: {} })],
        ['GET a project sub-resource that does not exist', as('GET', `/${pid}/widgets`)],
        ['DELETE a project (not a route)', as('DELETE', `/projects/${pid}`)],
        ['DELETE a request (not a route)', as('DELETE', `/${pid}/requests/${rid}`)],
        ['too deep', as('GET', `/${pid}/requests/${rid}/messages/${mid}/extra`)],
        ['no token', () => send(suite.app.url, 'GET', `/${pid}/requests/${rid}/nothing`)],
      ]);
    });
  });
}
