/**
 * Forged, stolen-and-edited and stale tokens against the Realtime handshake and REST: every one must be refused,
 * over both, with the documented 401 code. The server runs RS256 with an issuer and an audience, so algorithm
 * confusion (HS256 keyed with the public key) and claim checks can all be tried.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { insertUser } from '../../src/store/users.js';
import { TestClient } from '../support/ws-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ISS = 'https://desk.example';
const AUD = 'deskwire-test';
const dir = mkdtempSync(join(tmpdir(), 'deskwire-attack-keys-'));
let app: TestApp;
let privateKey: CryptoKey;
let publicPem: string;
let userId: string;
let disabledId: string;
before(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  writeFileSync(join(dir, 'key.pem'), await exportPKCS8(pair.privateKey));
  writeFileSync(join(dir, 'pub.pem'), publicPem);
  app = await startTestApp('pglite', {
    JWT_ALGORITHM: 'RS256',
    JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem'),
    JWT_PUBLIC_KEY_FILE: join(dir, 'pub.pem'),
    JWT_ISSUER: ISS,
    JWT_AUDIENCE: AUD,
  });
  userId = 'attack-user-1';
  disabledId = 'attack-user-2';
  for (const id of [userId, disabledId]) await insertUser(app.db, { id, email: `${id}@example.test`, passwordHash: null, firstname: id, lastname: 'T' });
  await app.db.query('UPDATE users SET active = false WHERE id = $1', [disabledId]);
});
after(async () => {
  await app.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Claims {
  sub?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
}

/** A token like the server's own, with `claims` changed; signed RS256 with the real private key unless `key` says otherwise. */
async function forge(claims: Claims = {}, key: { alg: 'RS256' | 'HS256'; secret?: Uint8Array } = { alg: 'RS256' }): Promise<string> {
  const c = { sub: userId, iss: ISS, aud: AUD, exp: now() + 3600, ...claims };
  let jwt = new SignJWT({ _id: c.sub }).setProtectedHeader({ alg: key.alg, typ: 'JWT' }).setIssuedAt().setExpirationTime(c.exp);
  if (c.sub !== undefined) jwt = jwt.setSubject(c.sub);
  if (c.iss !== undefined) jwt = jwt.setIssuer(c.iss);
  if (c.aud !== undefined) jwt = jwt.setAudience(c.aud);
  if (c.nbf !== undefined) jwt = jwt.setNotBefore(c.nbf);
  return jwt.sign(key.alg === 'RS256' ? privateKey : key.secret!);
}

/** Status and code of a handshake with `token`, or 'open' when it got in. */
async function handshake(token: string): Promise<string> {
  const url = `${app.url.replace('http', 'ws')}${app.config.wsPaths[0]}?token=${encodeURIComponent(`JWT ${token}`)}`;
  return TestClient.connect(url).then(
    async (c) => {
      await c.close();
      return 'open';
    },
    (e: { status?: number; body?: string }) => `${e.status} ${JSON.parse(e.body ?? '{}').error}`,
  );
}

async function rest(token: string): Promise<string> {
  const response = await fetch(`${app.url}/projects`, { headers: { authorization: `JWT ${token}` } });
  return response.status === 200 ? 'open' : `${response.status} ${((await response.json()) as { error: string }).error}`;
}

test('the control: a well-formed token gets in over both', async () => {
  const good = await forge();
  assert.equal(await handshake(good), 'open');
  assert.equal(await rest(good), 'open');
});

test('every forged, edited or stale token is refused at the handshake and over REST', async () => {
  const good = await forge();
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const attacks: [string, string, string][] = [
    ['alg: none', `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`, '401 TOKEN_INVALID'],
    ['alg: none keeping the signature', `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`, '401 TOKEN_INVALID'],
    ['HS256 keyed with the RSA public key (algorithm confusion)', await forge({}, { alg: 'HS256', secret: new TextEncoder().encode(publicPem) }), '401 TOKEN_INVALID'],
    ['tampered payload (another user, original signature)', `${header}.${b64url({ ...claims, sub: disabledId, _id: disabledId })}.${signature}`, '401 TOKEN_INVALID'],
    ['tampered payload (later exp, original signature)', `${header}.${b64url({ ...claims, exp: now() + 999_999 })}.${signature}`, '401 TOKEN_INVALID'],
    ['wrong audience', await forge({ aud: 'someone-else' }), '401 TOKEN_INVALID'],
    ['no audience', await forge({ aud: undefined }), '401 TOKEN_INVALID'],
    ['wrong issuer', await forge({ iss: 'https://evil.example' }), '401 TOKEN_INVALID'],
    ['expired', await forge({ exp: now() - 5 }), '401 TOKEN_EXPIRED'],
    ['not valid yet (nbf in an hour)', await forge({ nbf: now() + 3600 }), '401 TOKEN_INVALID'],
    ['a user that does not exist (deleted)', await forge({ sub: 'deleted-user' }), '401 USER_DISABLED'],
    ['a disabled user', await forge({ sub: disabledId }), '401 USER_DISABLED'],
  ];
  for (const [what, token, expected] of attacks) {
    assert.equal(await handshake(token), expected, `handshake: ${what}`);
    assert.equal(await rest(token), expected, `REST: ${what}`);
  }
});

test('a user deleted after the token was issued is refused with the still-valid token', async () => {
  const id = 'attack-user-deleted';
  await insertUser(app.db, { id, email: `${id}@example.test`, passwordHash: null, firstname: 'Del', lastname: 'T' });
  const token = await forge({ sub: id });
  assert.equal(await handshake(token), 'open');
  await app.db.query('DELETE FROM users WHERE id = $1', [id]);
  assert.equal(await handshake(token), '401 USER_DISABLED');
  assert.equal(await rest(token), '401 USER_DISABLED');
});
