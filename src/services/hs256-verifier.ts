import { createHmac, timingSafeEqual } from 'node:crypto';

/** The protected header every token this server issues carries (TokenService.issue), base64url-encoded. */
export const ISSUED_HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a token failed: the same two outcomes TokenService maps jose's errors to. */
export type Hs256Failure = 'invalid' | 'expired';

export interface Hs256Checks {
  issuer: string | null;
  audience: string | null;
}

/**
 * Verifies an HS256 JWT whose header is exactly the one this server issues, with one synchronous HMAC from
 * node:crypto: a few microseconds where jose's jwtVerify (WebCrypto, promises, generic header handling) costs
 * several times more on every REST request and handshake. Returns `null` when the header is anything else, so the
 * caller hands the token to jose: every other header (alg none, another algorithm, `crit`, `b64`, another `typ`)
 * keeps jose's handling and allow-list, and this path never has to judge one. For the header it accepts, the
 * checks are jose's for TokenService's options (validateClaimsSet): the signature, a JSON-object claims set,
 * `exp` required and numeric and not past (`exp <= now` is expired, no clock tolerance), `nbf` numeric and not in
 * the future, `iat` numeric when present, `iss`/`aud` when configured. The signature segment must be the
 * canonical encoding of the MAC (jose would also accept non-canonical trailing bits; refusing them is stricter).
 */
export class Hs256Verifier {
  constructor(
    private readonly secret: Uint8Array,
    private readonly checks: Hs256Checks,
  ) {}

  /** The claims set, a failure, or `null` when the header is not the issued one (verify with jose instead). */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> | Hs256Failure | null {
    const firstDot = token.indexOf('.');
    if (firstDot !== ISSUED_HS256_HEADER.length || !token.startsWith(ISSUED_HS256_HEADER)) return null;
    const secondDot = token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) return 'invalid';
    const payloadSegment = token.slice(firstDot + 1, secondDot);
    const signature = Buffer.from(token.slice(secondDot + 1));
    const expected = Buffer.from(createHmac('sha256', this.secret).update(token.slice(0, secondDot)).digest('base64url'));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'invalid';
    if (!BASE64URL.test(payloadSegment)) return 'invalid';
    let claims: unknown;
    try {
      claims = JSON.parse(strictUtf8.decode(Buffer.from(payloadSegment, 'base64url')));
    } catch {
      return 'invalid';
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'invalid';
    return this.checkClaims(claims as Record<string, unknown>, nowSeconds);
  }

  /** jose's validateClaimsSet, in its order, for requiredClaims ['exp'] and the configured issuer and audience. */
  private checkClaims(claims: Record<string, unknown>, now: number): Record<string, unknown> | Hs256Failure {
    const { issuer, audience } = this.checks;
    if (!Object.hasOwn(claims, 'exp')) return 'invalid';
    if (issuer !== null && !Object.hasOwn(claims, 'iss')) return 'invalid';
    if (audience !== null && !Object.hasOwn(claims, 'aud')) return 'invalid';
    if (issuer !== null && claims.iss !== issuer) return 'invalid';
    if (audience !== null && !(claims.aud === audience || (Array.isArray(claims.aud) && claims.aud.includes(audience)))) return 'invalid';
    if (claims.iat !== undefined && typeof claims.iat !== 'number') return 'invalid';
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) return 'invalid';
    if (typeof claims.exp !== 'number') return 'invalid';
    if (claims.exp <= now) return 'expired';
    return claims;
  }
}
