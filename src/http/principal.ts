import type { FastifyRequest } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import type { AuthService } from '../services/auth-service.js';
import type { Actor } from '../services/context.js';
import { stripTokenPrefix, type TokenService } from '../services/tokens.js';

/** The caller of a REST route: `Authorization: JWT <token>` or `Bearer <token>`, verified, user active. */
export async function authenticate(request: FastifyRequest, tokens: TokenService, auth: AuthService): Promise<Actor> {
  const header = request.headers.authorization;
  if (!header) throw new DeskwireError('TOKEN_MISSING');
  const token = stripTokenPrefix(header);
  if (!token) throw new DeskwireError('TOKEN_MISSING');
  const claims = await tokens.verify(token);
  await auth.activeUser(claims.userId);
  return { userId: claims.userId };
}
