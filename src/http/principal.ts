import type { FastifyRequest } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import type { LimitOverrides } from '../domain/limit-overrides.js';
import type { AuthService } from '../services/auth-service.js';
import type { Actor } from '../services/context.js';
import { stripTokenPrefix, type TokenService } from '../services/tokens.js';

/**
 * The caller of a REST route: `Authorization: JWT <token>` or `Bearer <token>`, verified, user active; with the
 * limit overrides of `projectId` (the project the route names), read in the same statement as the user.
 */
export async function authenticate(
  request: FastifyRequest,
  tokens: TokenService,
  auth: AuthService,
  projectId: string | null = null,
): Promise<{ actor: Actor; limitOverrides: LimitOverrides }> {
  const header = request.headers.authorization;
  if (!header) throw new DeskwireError('TOKEN_MISSING');
  const token = stripTokenPrefix(header);
  if (!token) throw new DeskwireError('TOKEN_MISSING');
  const claims = await tokens.verify(token);
  const { limitOverrides } = await auth.activeCaller(claims.userId, projectId);
  return { actor: { userId: claims.userId }, limitOverrides };
}
