import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { DeskwireError, errors, type ErrorCode } from '../domain/errors.js';
import { isRedisUnavailable } from '../redis/redis-errors.js';
import { isStoreUnavailable } from '../store/store-errors.js';

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

/** The one catch of the REST API: known errors keep their code, anything unknown becomes INTERNAL, logged once. */
export function toErrorResponse(error: unknown, log: FastifyRequest['log']): { status: number; body: ErrorBody } {
  const known = classify(error);
  if (known.code === 'INTERNAL') log.error({ err: error }, 'unhandled error');
  return { status: errors[known.code].http ?? 500, body: { error: known.code, message: known.message, ...known.details } };
}

function classify(error: unknown): { code: ErrorCode; message: string; details: Record<string, unknown> } {
  if (error instanceof DeskwireError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    return { code: 'BODY_INVALID', message: first ? `${first.path || 'body'}: ${first.message}` : errors.BODY_INVALID.message, details: { issues } };
  }
  if (isStoreUnavailable(error)) return { code: 'STORE_UNAVAILABLE', message: errors.STORE_UNAVAILABLE.message, details: {} };
  if (isRedisUnavailable(error)) return { code: 'REDIS_UNAVAILABLE', message: errors.REDIS_UNAVAILABLE.message, details: { retry_after_seconds: 1 } };
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'BODY_TOO_LARGE', message: errors.BODY_TOO_LARGE.message, details: {} };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own 4xx: bad JSON, wrong content type, empty body with a JSON content type.
    return { code: 'BODY_INVALID', message: fastifyError.message, details: {} };
  }
  return { code: 'INTERNAL', message: errors.INTERNAL.message, details: {} };
}

export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const { status, body } = toErrorResponse(error, reply.log);
  if (typeof body.retry_after_seconds === 'number') reply.header('retry-after', String(body.retry_after_seconds));
  return reply.code(status).send(body);
}
