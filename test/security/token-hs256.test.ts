/**
 * The node:crypto HS256 path (Hs256Verifier, which TokenService takes for the header it issues) must judge every
 * token exactly as jose's jwtVerify does with TokenService's options: each token below is judged by both, and the
 * outcomes (accepted with the same claims, TOKEN_EXPIRED or TOKEN_INVALID) must be the same. Tokens with any other
 * header must not be judged by the fast path at all (it hands them to jose).
 */
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { DeskwireError } from '../../src/domain/errors.js';
import { Hs256Verifier, ISSUED_HS256_HEADER } from '../../src/services/hs256-verifier.js';
import { TokenService } from '../../src/services/tokens.js';
import { testConfig } from '../support/test-app.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://desk.example';
const AUDIENCE = 'deskwire';
const secret = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs any header and payload text by hand, so malformed claims sets can carry a valid signature. */
function handSigned(header: unknown, payload: unknown, key: string | Uint8Array = secret, alg = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
}

const issued = { alg: 'HS256', typ: 'JWT' };
const good = () => ({ sub: 'u1', _id: 'u1', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600 });

async function cases(): Promise<Array<[string, string]>> {
  const viaJose = await new SignJWT({ _id: 'u1' }).setProtectedHeader(issued).setSubject('u1').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(secret);
  const [h, p, s] = viaJose.split('.') as [string, string, string];
  return [
    ['good (signed by jose)', viaJose],
    ['good (signed by hand)', handSigned(issued, good())],
    ['audience in an array', handSigned(issued, { ...good(), aud: ['other', AUDIENCE] })],
    ['only _id, no sub', handSigned(issued, { ...good(), sub: undefined })],
    ['expired', handSigned(issued, { ...good(), exp: now() - 5 })],
    ['exp equal to now', handSigned(issued, { ...good(), exp: now() })],
    ['expired and not yet valid', handSigned(issued, { ...good(), exp: now() - 5, nbf: now() + 60 })],
    ['nbf in the future', handSigned(issued, { ...good(), nbf: now() + 60 })],
    ['nbf in the past', handSigned(issued, { ...good(), nbf: now() - 60 })],
    ['no exp', handSigned(issued, { ...good(), exp: undefined })],
    ['exp a string', handSigned(issued, { ...good(), exp: String(now() + 600) })],
    ['exp null', handSigned(issued, { ...good(), exp: null })],
    ['iat a string', handSigned(issued, { ...good(), iat: 'yesterday' })],
    ['nbf a string', handSigned(issued, { ...good(), nbf: 'now' })],
    ['another issuer', handSigned(issued, { ...good(), iss: 'https://evil.example' })],
    ['no issuer', handSigned(issued, { ...good(), iss: undefined })],
    ['another audience', handSigned(issued, { ...good(), aud: 'other' })],
    ['audience array without ours', handSigned(issued, { ...good(), aud: ['a', 'b'] })],
    ['no audience', handSigned(issued, { ...good(), aud: undefined })],
    ['claims set an array', handSigned(issued, [1, 2])],
    ['claims set a number', handSigned(issued, 42)],
    ['claims set not JSON', handSigned(issued, 'not json')],
    ['claims set invalid UTF-8', `${ISSUED_HS256_HEADER}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${createHmac('sha256', secret).update(`${ISSUED_HS256_HEADER}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`).digest('base64url')}`],
    ['another secret', handSigned(issued, good(), 'another-secret')],
    ['tampered payload', `${h}.${b64({ ...good(), sub: 'admin', _id: 'admin' })}.${s}`],
    ['signature truncated', `${h}.${p}.${s.slice(0, -2)}`],
    ['signature empty', `${h}.${p}.`],
    // The first character carries six bits of the MAC (the last one only four, beside two padding bits).
    ['signature one character changed', `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`],
    ['four segments', `${viaJose}.${s}`],
    ['two segments', `${h}.${p}`],
    ['empty', ''],
    ['header only', ISSUED_HS256_HEADER],
    // Headers other than the issued one: jose judges them (the fast path must return null).
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
    ['alg none keeping the signature', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.${s}`],
    ['HS512 with the same secret', handSigned({ alg: 'HS512', typ: 'JWT' }, good(), secret, 'sha512')],
    ['HS256 without typ', handSigned({ alg: 'HS256' }, good())],
    ['HS256 with crit b64 false', handSigned({ alg: 'HS256', typ: 'JWT', crit: ['b64'], b64: false }, good())],
    ['HS256 with an unknown crit', handSigned({ alg: 'HS256', typ: 'JWT', crit: ['x'], x: 1 }, good())],
  ];
}

type Outcome = string;

async function byJose(token: string): Promise<Outcome> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp'] });
    return `accepted ${String(payload.sub ?? payload._id)} ${String(payload.exp)}`;
  } catch (error) {
    return error instanceof joseErrors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
  }
}

async function byService(tokens: TokenService, token: string): Promise<Outcome> {
  try {
    const claims = await tokens.verify(token);
    return `accepted ${claims.userId} ${claims.expiresAt}`;
  } catch (error) {
    assert.ok(error instanceof DeskwireError, `not a catalogue error: ${String(error)}`);
    return error.code;
  }
}

describe('HS256 verification on node:crypto', () => {
  it('judges every token as jose does', async () => {
    const tokens = await TokenService.fromConfig(testConfig({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));
    const mismatches: string[] = [];
    for (const [name, token] of await cases()) {
      const [expected, actual] = [await byJose(token), await byService(tokens, token)];
      if (expected !== actual) mismatches.push(`${name}: jose ${expected}, TokenService ${actual}`);
    }
    assert.deepEqual(mismatches, []);
  });

  it('refuses a signature whose padding bits were changed, where jose accepts it (stricter by design)', async () => {
    const tokens = await TokenService.fromConfig(testConfig({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));
    const token = handSigned(issued, good());
    const signature = token.slice(token.lastIndexOf('.') + 1);
    // A 32-byte MAC is 43 base64url characters: the last one's two low bits are padding, so flipping its lowest bit
    // leaves the decoded MAC unchanged. An honest signer never writes that encoding.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1) as string);
    const paddingFlipped = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(Buffer.from(paddingFlipped.slice(paddingFlipped.lastIndexOf('.') + 1), 'base64url'), Buffer.from(signature, 'base64url'));
    assert.match(await byJose(paddingFlipped), /^accepted/);
    assert.equal(await byService(tokens, paddingFlipped), 'TOKEN_INVALID');
  });

  it('takes the fast path for the issued header and leaves every other header to jose', async () => {
    const fast = new Hs256Verifier(secret, { issuer: ISSUER, audience: AUDIENCE });
    const all = await cases();
    const firstForeign = all.findIndex(([name]) => name === 'alg none');
    for (const [name, token] of all.slice(0, firstForeign)) {
      if (name === 'empty' || name === 'header only') continue;
      assert.notEqual(fast.verify(token), null, `${name}: the issued header must be judged by the fast path`);
    }
    for (const [name, token] of all.slice(firstForeign)) assert.equal(fast.verify(token), null, `${name}: must be left to jose`);
    const accepted = fast.verify(handSigned(issued, good()));
    assert.equal(typeof accepted === 'object' && accepted?.sub, 'u1');
  });

  it('draws the exp and nbf boundaries where jose does (exp <= now is expired, nbf > now is not yet valid)', async () => {
    const fast = new Hs256Verifier(secret, { issuer: ISSUER, audience: AUDIENCE });
    const t = 1_900_000_000;
    const at = (claims: object) => handSigned(issued, { ...good(), ...claims });
    const judged = (token: string) => {
      const outcome = fast.verify(token, t);
      return typeof outcome === 'string' ? outcome : outcome === null ? 'jose' : 'accepted';
    };
    assert.equal(judged(at({ exp: t })), 'expired');
    assert.equal(judged(at({ exp: t + 1 })), 'accepted');
    assert.equal(judged(at({ exp: t + 1, nbf: t + 1 })), 'invalid');
    assert.equal(judged(at({ exp: t + 1, nbf: t })), 'accepted');
    // The same boundaries through jose, at the same instant.
    const joseAt = (token: string) => jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp'], currentDate: new Date(t * 1000) });
    await assert.rejects(joseAt(at({ exp: t })), joseErrors.JWTExpired);
    await assert.rejects(joseAt(at({ exp: t + 1, nbf: t + 1 })), joseErrors.JWTClaimValidationFailed);
    await joseAt(at({ exp: t + 1, nbf: t }));
  });

  it('issues tokens the fast path verifies', async () => {
    const tokens = await TokenService.fromConfig(testConfig({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));
    const { token, expiresAt } = await tokens.issue({ id: 'u9', email: null, firstname: 'A', lastname: 'B' });
    assert.ok(token.startsWith(`${ISSUED_HS256_HEADER}.`), 'TokenService must issue the header the fast path recognises');
    const fast = new Hs256Verifier(secret, { issuer: ISSUER, audience: AUDIENCE });
    const claims = fast.verify(token);
    assert.ok(typeof claims === 'object' && claims !== null && claims.sub === 'u9' && claims.exp === expiresAt);
  });
});
