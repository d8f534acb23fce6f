import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Budgets, Charge } from '../limits/budgets.js';
import { clientIp } from '../net/forwarded.js';
import type { Actor } from '../services/context.js';
import type { Services } from '../services/services.js';
import type { TokenService } from '../services/tokens.js';
import { authenticate } from './principal.js';

export interface RouteDeps {
  services: Services;
  tokens: TokenService;
  budgets: Budgets;
  /** Behind a trusted proxy the client IP (for per-IP limits) comes from X-Forwarded-For. */
  trustProxy: boolean;
}

/** The IETF `RateLimit-*` headers of the tightest window a request was charged to. */
export function rateLimitHeaders(reply: FastifyReply, charge: Charge): void {
  reply.header('ratelimit-limit', String(charge.limit));
  reply.header('ratelimit-remaining', String(charge.remaining));
  reply.header('ratelimit-reset', String(charge.resetSeconds));
}

/** Sign-in and sign-up draw from the per-IP budget. */
export async function chargeAuth(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  rateLimitHeaders(reply, await deps.budgets.chargeAuth(clientIp(request.raw, deps.trustProxy)));
}

/** Ids in paths: the same characters topics allow, so every REST id can also be subscribed to. */
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 letters, digits, "_" or "-"');

export const projectParams = z.object({ pid: id });
export const requestParams = z.object({ pid: id, rid: id });

/** The range of a PostgreSQL `integer`: a number outside it is refused here, never handed to the store. */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
/** Pages beyond this are refused: the offset they stand for (page × limit) stays far inside the store's range. */
export const PAGE_MAX = 1_000_000;

/** A non-negative page number and a page size within bounds, from the query string. */
export function paging(defaultLimit: number, maxLimit: number) {
  return z.object({
    page: z.coerce.number().int().min(0).max(PAGE_MAX).default(0),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  });
}

type AuthedHandler = (actor: Actor, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wraps a handler that needs a signed-in caller. */
export function authed(deps: RouteDeps, handler: AuthedHandler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Project routes are charged per project (the owner's overrides apply, read with the caller in one statement).
    // A malformed id is charged to the user alone and never reaches the store: the route then refuses it with 400.
    const parsed = id.safeParse((request.params as { pid?: unknown }).pid);
    const pid = parsed.success ? parsed.data : null;
    const { actor, limitOverrides } = await authenticate(request, deps.tokens, deps.services.auth, pid);
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    rateLimitHeaders(reply, await deps.budgets.chargeRequest(actor.userId, write, pid, limitOverrides));
    return handler(actor, request, reply);
  };
}

type ParamsHandler<P> = (actor: Actor, params: P, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * `authed` for a route with ids in its path: they are parsed by `params` once the caller is signed in and charged,
 * as a handler would parse them first, so a malformed id is a 400 that never reaches the service.
 */
export function authedWith<P>(deps: RouteDeps, params: z.ZodType<P>, handler: ParamsHandler<P>) {
  return authed(deps, (actor, request, reply) => handler(actor, params.parse(request.params), request, reply));
}
