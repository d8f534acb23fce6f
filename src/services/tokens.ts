import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors as joseErrors, importPKCS8, importSPKI, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../config.js';
import { DeskwireError } from '../domain/errors.js';
import { Hs256Verifier } from './hs256-verifier.js';

type Key = Parameters<typeof jwtVerify>[1] & Parameters<SignJWT['sign']>[0];

/** What a verified token says about its bearer. */
export interface TokenClaims {
  userId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface TokenSubject {
  id: string;
  email: string | null;
  firstname: string;
  lastname: string;
}

/**
 * Issues and verifies JWTs with one algorithm only (an allow-list of one: no `none`, no HS/RS confusion).
 * Tokens carry Tiledesk's user fields (`_id`, `email`, names) so Tiledesk clients can read them.
 */
export class TokenService {
  private constructor(
    private readonly config: Pick<Config, 'jwtAlgorithm' | 'jwtIssuer' | 'jwtAudience' | 'tokenTtlSeconds'>,
    private readonly signingKey: Key | null,
    private readonly verifyingKey: Key,
    /** HS256 only: the node:crypto path for tokens with the header this server issues (jose verifies the rest). */
    private readonly fastHs256: Hs256Verifier | null = null,
  ) {}

  static async fromConfig(config: Config): Promise<TokenService> {
    if (config.jwtAlgorithm === 'HS256') {
      // loadConfig refuses these already; a Config built another way must not fall back to a generated secret either.
      if (config.jwtSecret === null && (config.nodeEnv === 'production' || config.redisUrl !== null)) {
        throw new Error('JWT_SECRET is required in production and with REDIS_URL: a generated secret is for one development node only');
      }
      const secret = new TextEncoder().encode(config.jwtSecret ?? developmentSecret(config.dataDir));
      // Imported once: given raw bytes, jose imports a key on every sign and verify, which doubled a verify's cost.
      const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      const fast = new Hs256Verifier(secret, { issuer: config.jwtIssuer || null, audience: config.jwtAudience || null });
      return new TokenService(config, key, key, fast);
    }
    const publicKey = await importSPKI(readFileSync(config.jwtPublicKeyFile!, 'utf8'), config.jwtAlgorithm);
    const privateKey = config.jwtPrivateKeyFile ? await importPKCS8(readFileSync(config.jwtPrivateKeyFile, 'utf8'), config.jwtAlgorithm) : null;
    return new TokenService(config, privateKey, publicKey);
  }

  /** Returns the token without the `JWT ` prefix; the REST API adds the prefix Tiledesk clients expect. */
  async issue(user: TokenSubject, ttlSeconds = this.config.tokenTtlSeconds): Promise<{ token: string; expiresAt: number }> {
    if (!this.signingKey) throw new DeskwireError('INTERNAL', 'This server verifies tokens but has no private key to issue them.');
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + ttlSeconds;
    let jwt = new SignJWT({ _id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname })
      .setProtectedHeader({ alg: this.config.jwtAlgorithm, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .setJti(randomBytes(12).toString('hex'));
    if (this.config.jwtIssuer) jwt = jwt.setIssuer(this.config.jwtIssuer);
    if (this.config.jwtAudience) jwt = jwt.setAudience(this.config.jwtAudience);
    return { token: await jwt.sign(this.signingKey), expiresAt };
  }

  /** Verifies signature, algorithm, exp/nbf and iss/aud when configured. Throws TOKEN_INVALID or TOKEN_EXPIRED. */
  async verify(token: string): Promise<TokenClaims> {
    const fast = this.fastHs256?.verify(token) ?? null;
    if (fast === 'expired') throw new DeskwireError('TOKEN_EXPIRED');
    if (fast === 'invalid') throw new DeskwireError('TOKEN_INVALID');
    const payload: JWTPayload = fast ?? (await this.verifyWithJose(token));
    const userId = typeof payload.sub === 'string' ? payload.sub : typeof payload._id === 'string' ? payload._id : null;
    if (!userId) throw new DeskwireError('TOKEN_INVALID', 'The token names no user.');
    return { userId, expiresAt: payload.exp! };
  }


  private async verifyWithJose(token: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verifyingKey, {
        algorithms: [this.config.jwtAlgorithm],
        ...(this.config.jwtIssuer ? { issuer: this.config.jwtIssuer } : {}),
        ...(this.config.jwtAudience ? { audience: this.config.jwtAudience } : {}),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new DeskwireError('TOKEN_EXPIRED');
      throw new DeskwireError('TOKEN_INVALID');
    }
    return payload;
  }
}

/** Strips the optional `JWT ` / `Bearer ` prefix clients put in front of a token. */
export function stripTokenPrefix(value: string): string {
  return value.replace(/^\s*(JWT|Bearer)\s+/i, '').trim();
}

/** No secret in the code: development generates one on first start and keeps it beside the data. */
function developmentSecret(dataDir: string | null): string {
  if (dataDir === null) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
