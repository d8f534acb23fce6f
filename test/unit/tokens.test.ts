import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { loadConfig } from '../../src/config.js';
import { DeskwireError } from '../../src/domain/errors.js';
import { stripTokenPrefix, TokenService } from '../../src/services/tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'deskwire-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const user = { id: '6b0400000000000000000001', email: 'a@b.c', firstname: 'A', lastname: 'B' };

async function keyFiles(alg: 'RS256' | 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const priv = join(dir, `${alg}.key`);
  const pub = join(dir, `${alg}.pub`);
  writeFileSync(priv, await exportPKCS8(privateKey));
  writeFileSync(pub, await exportSPKI(publicKey));
  return { priv, pub };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof DeskwireError ? error.code : String(error)),
  );
}

for (const alg of ['RS256', 'ES256'] as const) {
  test(`${alg}: tokens signed with the private key file verify with the public key file`, async () => {
    const { priv, pub } = await keyFiles(alg);
    const tokens = await TokenService.fromConfig(
      loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: priv, JWT_PUBLIC_KEY_FILE: pub }, {}),
    );
    const { token } = await tokens.issue(user, 60);
    assert.equal((await tokens.verify(token)).userId, user.id);
  });
}

test('an HS256 token signed with the public key as its secret is refused by an RS256 server (no algorithm confusion)', async () => {
  const { priv, pub } = await keyFiles('RS256');
  const tokens = await TokenService.fromConfig(
    loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: priv, JWT_PUBLIC_KEY_FILE: pub }, {}),
  );
  const forged = await new SignJWT({ _id: user.id })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(readFileSync(pub, 'utf8')));
  assert.equal(await codeOf(tokens.verify(forged)), 'TOKEN_INVALID');
});

test('issuer and audience are set and required when configured', async () => {
  const base = { NODE_ENV: 'test', DATA_DIR: ':memory:', JWT_SECRET: 's'.repeat(40) };
  const strict = await TokenService.fromConfig(loadConfig({ ...base, JWT_ISSUER: 'https://desk.example', JWT_AUDIENCE: 'deskwire' }, {}));
  const lax = await TokenService.fromConfig(loadConfig(base, {}));
  const { token: good } = await strict.issue(user);
  const { token: noClaims } = await lax.issue(user);
  assert.equal((await strict.verify(good)).userId, user.id);
  assert.equal(await codeOf(strict.verify(noClaims)), 'TOKEN_INVALID');
});

test('development without JWT_SECRET keeps one generated secret in the data directory, so tokens survive a restart', async () => {
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: join(dir, 'dev') }, {});
  const first = await TokenService.fromConfig(config);
  const { token } = await first.issue(user);
  const second = await TokenService.fromConfig(config);
  assert.equal((await second.verify(token)).userId, user.id);
  assert.ok(readFileSync(join(dir, 'dev', 'jwt-secret'), 'utf8').length >= 32);
});

test('stripTokenPrefix accepts the JWT and Bearer forms', () => {
  assert.equal(stripTokenPrefix('JWT abc.def.ghi'), 'abc.def.ghi');
  assert.equal(stripTokenPrefix('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(stripTokenPrefix('abc.def.ghi'), 'abc.def.ghi');
});

test('a signing key is never generated for production or several nodes, even from a Config not built by loadConfig', async () => {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, JWT_SECRET: 's'.repeat(40) }, {});
  for (const unsafe of [{ nodeEnv: 'production' as const }, { redisUrl: 'redis://cache:6379' }]) {
    await assert.rejects(TokenService.fromConfig({ ...config, ...unsafe, jwtSecret: null }), /JWT_SECRET is required in production and with REDIS_URL/);
  }
  // One development node generates its secret once and keeps it in DATA_DIR.
  await TokenService.fromConfig({ ...config, jwtSecret: null });
  assert.equal(readFileSync(join(dir, 'jwt-secret'), 'utf8').length, 43);
});
