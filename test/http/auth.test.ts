import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { newRequestId } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { useDesk } from '../support/use-desk.js';

const secret = 'x'.repeat(40);
const password = 'correct horse battery';

/** The bare token, without the `JWT ` prefix the API hands out. */
const bare = (token: string) => token.replace(/^JWT /, '');

/** A token shaped exactly like the server's, signed with `key`, expiring at `exp` (seconds since the epoch). */
async function forge(userId: string, key: string, exp: number): Promise<string> {
  return new SignJWT({ _id: userId, email: null, firstname: 'F', lastname: 'L' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(exp - 3600)
    .setExpirationTime(exp)
    .setJti(randomBytes(12).toString('hex'))
    .sign(new TextEncoder().encode(key));
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('auth', () => {
  const suite = useDesk('pglite', { JWT_SECRET: secret });
  let anonymous: Rest;
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    anonymous = new Rest(suite.app.url);
  });

  /** GET /projects with this Authorization header (or none). */
  const projectsWith = (authorization?: string) => anonymous.call('GET', '/projects', undefined, authorization === undefined ? {} : { authorization });

  test('signup answers 201 with a JWT-prefixed token for the new user; the token works', async () => {
    const email = `new-${randomBytes(4).toString('hex')}@test.deskwire`;
    const body = expectStatus(await anonymous.post('/auth/signup', { email, password, firstname: 'Nia', lastname: 'New' }), 201);
    assert.equal(body.success, true);
    assert.match(body.token, /^JWT [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(body.user.email, email);
    assert.equal(body.user.firstname, 'Nia');
    assert.equal(body.user._id, body.user.id);
    assert.equal(body.user.password_hash, undefined, 'no password hash in the answer');
    assert.equal(body.user.password, undefined);
    assert.deepEqual(expectStatus(await anonymous.as(body.token).get('/projects'), 200), []);
    const signin = expectStatus(await anonymous.post('/auth/signin', { email, password }), 200);
    assert.equal(signin.success, true);
    assert.equal(signin.user._id, body.user._id);
    assert.match(signin.token, /^JWT /);
  });

  test('signing up again with the same email in another case is 409 EMAIL_TAKEN and creates nothing', async () => {
    const email = `Dup-${randomBytes(4).toString('hex')}@Test.Deskwire`;
    expectStatus(await anonymous.post('/auth/signup', { email, password }), 201);
    const [{ n: before }] = (await suite.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')) as [{ n: number }];
    for (const again of [email, email.toLowerCase(), email.toUpperCase()]) {
      const response = await anonymous.post('/auth/signup', { email: again, password: 'another long password' });
      assert.equal(response.status, 409, again);
      assert.equal(response.body.error, 'EMAIL_TAKEN');
    }
    const [{ n: after }] = (await suite.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')) as [{ n: number }];
    assert.equal(after, before);
    // The first password still signs in, under any case of the email.
    expectStatus(await anonymous.post('/auth/signin', { email: email.toLowerCase(), password }), 200);
  });

  test('a wrong password and an unknown email both answer 401 SIGNIN_FAILED with identical bodies', async () => {
    const wrong = await anonymous.post('/auth/signin', { email: suite.desk.agentA.email, password: 'not the password' });
    const unknown = await anonymous.post('/auth/signin', { email: `nobody-${randomBytes(4).toString('hex')}@test.deskwire`, password });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.error, 'SIGNIN_FAILED');
    assert.deepEqual(unknown.body, wrong.body, 'nothing tells whether the email exists');
    assert.equal(JSON.stringify(wrong.body).includes('token'), false);
  });

  test('no Authorization header is 401 TOKEN_MISSING', async () => {
    for (const [method, path] of [
      ['GET', '/projects'],
      ['GET', `/projects/${suite.desk.projectId}`],
      ['GET', `/${suite.desk.projectId}/requests`],
      ['POST', `/${suite.desk.projectId}/requests/${newRequestId(suite.desk.projectId)}/messages`],
    ] as const) {
      const response = await anonymous.call(method, path, method === 'POST' ? { text: 'hi' } : undefined);
      assert.equal(response.status, 401, path);
      assert.equal(response.body.error, 'TOKEN_MISSING', path);
    }
  });

  test('a token that is not ours is 401 TOKEN_INVALID: tampered, foreign-signed, alg none, or garbage', async () => {
    const token = bare(suite.desk.agentA.token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    // Flip a character in the middle of the signature (the last one may only carry padding bits).
    const i = Math.floor(signature.length / 2);
    const tamperedSignature = `${header}.${payload}.${signature.slice(0, i)}${signature[i] === 'A' ? 'B' : 'A'}${signature.slice(i + 1)}`;
    // Keep the signature, claim to be the owner.
    const tamperedPayload = `${header}.${b64url({ ...claims, sub: suite.desk.owner.userId, _id: suite.desk.owner.userId })}.${signature}`;
    const foreign = await forge(suite.desk.agentA.userId, 'y'.repeat(40), now() + 3600);
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, exp: now() + 3600 })}.`;
    const cases: [string, string][] = [
      ['tampered signature', tamperedSignature],
      ['tampered payload', tamperedPayload],
      ['signed with another secret', foreign],
      ['alg: none', none],
      ['alg: none with a signature', `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`],
      ['garbage', 'garbage'],
      ['two parts', `${header}.${payload}`],
      ['not base64', '!!!.???.***'],
    ];
    for (const [what, bad] of cases) {
      for (const scheme of ['JWT', 'Bearer']) {
        const response = await projectsWith(`${scheme} ${bad}`);
        assert.equal(response.status, 401, `${what} (${scheme}): ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error, 'TOKEN_INVALID', `${what} (${scheme})`);
      }
    }
    // The control: the untouched token, and one we forge with the server's own secret, are accepted.
    expectStatus(await projectsWith(`JWT ${token}`), 200);
    expectStatus(await projectsWith(`JWT ${await forge(suite.desk.agentA.userId, secret, now() + 3600)}`), 200);
  });

  test('an expired token is 401 TOKEN_EXPIRED', async () => {
    const expired = await forge(suite.desk.agentA.userId, secret, now() - 60);
    const response = await projectsWith(`JWT ${expired}`);
    assert.equal(response.status, 401, JSON.stringify(response.body));
    assert.equal(response.body.error, 'TOKEN_EXPIRED');
    const viaBearer = await projectsWith(`Bearer ${expired}`);
    assert.deepEqual([viaBearer.status, viaBearer.body.error], [401, 'TOKEN_EXPIRED']);
  });

  test('a token without exp is refused', async () => {
    const forever = await new SignJWT({ _id: suite.desk.agentA.userId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(suite.desk.agentA.userId)
      .setIssuedAt()
      .sign(new TextEncoder().encode(secret));
    const response = await projectsWith(`JWT ${forever}`);
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'TOKEN_INVALID');
  });

  test('both "JWT <token>" and "Bearer <token>" are accepted', async () => {
    const token = bare(suite.desk.owner.token);
    for (const authorization of [`JWT ${token}`, `Bearer ${token}`]) {
      const projects = expectStatus(await projectsWith(authorization), 200);
      assert.deepEqual(
        projects.map((p: { id: string }) => p.id),
        [suite.desk.projectId],
        authorization.split(' ')[0],
      );
      const me = expectStatus(await anonymous.call('GET', `/${suite.desk.projectId}/project_users/me`, undefined, { authorization }), 200);
      assert.equal(me.uuid_user, suite.desk.owner.userId);
    }
  });

  test('signinAnonymously: unknown project 404; a real one gives a guest who may start a request but not list agents', async () => {
    const unknown = await anonymous.post('/auth/signinAnonymously', { id_project: '0123456789abcdef01234567' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'NOT_FOUND');

    const signin = expectStatus(await anonymous.post('/auth/signinAnonymously', { id_project: suite.desk.projectId, firstname: 'Gus' }), 200);
    assert.equal(signin.success, true);
    assert.match(signin.token, /^JWT /);
    assert.equal(signin.user.firstname, 'Gus');
    const guest = anonymous.as(signin.token);
    const me = expectStatus(await guest.get(`/${suite.desk.projectId}/project_users/me`), 200);
    assert.equal(me.role, 'guest');

    const rid = newRequestId(suite.desk.projectId);
    const first = expectStatus(await guest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'Hello?' }), 201);
    assert.equal(first.sender, signin.user._id);
    assert.equal(first.request.request_id, rid);
    assert.equal(expectStatus(await guest.get(`/${suite.desk.projectId}/requests/${rid}`), 200).request_id, rid);

    const agents = await guest.get(`/${suite.desk.projectId}/project_users`);
    assert.equal(agents.status, 403, JSON.stringify(agents.body));
    assert.equal(agents.body.error, 'FORBIDDEN');
    const departments = await guest.get(`/${suite.desk.projectId}/departments`);
    assert.equal(departments.status, 403);
    assert.equal(departments.body.error, 'FORBIDDEN');
  });

  test('a user disabled at user level gets 401 USER_DISABLED with a still-valid token, and cannot sign in', async () => {
    const email = `off-${randomBytes(4).toString('hex')}@test.deskwire`;
    const signup = expectStatus(await anonymous.post('/auth/signup', { email, password }), 201);
    const user = anonymous.as(signup.token);
    expectStatus(await user.get('/projects'), 200);

    await suite.app.db.query('UPDATE users SET active = false WHERE id = $1', [signup.user._id]);
    for (const [what, call] of [
      ['GET /projects', () => user.get('/projects')],
      ['POST /projects', () => user.post('/projects', { name: 'Nope' })],
      ['Bearer', () => projectsWith(`Bearer ${bare(signup.token)}`)],
    ] as const) {
      const response = await call();
      assert.equal(response.status, 401, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error, 'USER_DISABLED', what);
    }
    const [{ n }] = (await suite.app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM project_users WHERE user_id = $1',
      [signup.user._id],
    )) as [{ n: number }];
    assert.equal(n, 0, 'the refused POST /projects created nothing');
    const signin = await anonymous.post('/auth/signin', { email, password });
    assert.equal(signin.status, 401);
    assert.equal(signin.body.error, 'USER_DISABLED');
  });
});
