import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import { jsonTextNestsDeeper } from '../domain/json-depth.js';
import { findUnstorable } from '../domain/storable-text.js';

/**
 * A JSON body as the edge accepts it, or why not: nesting within `maxDepth` (checked on the text, before anything
 * is built) and no string the store cannot hold. Reusable by any entry point that takes JSON (an import, later).
 */
export function checkJsonBody(text: string, parse: (text: string) => unknown, maxDepth: number): unknown {
  if (jsonTextNestsDeeper(text, maxDepth)) {
    throw new DeskwireError('BODY_TOO_DEEP', `The body nests arrays and objects deeper than ${maxDepth} levels (HTTP_BODY_MAX_DEPTH).`, {
      limit: 'HTTP_BODY_MAX_DEPTH',
      max: maxDepth,
    });
  }
  const value = parse(text);
  refuseUnstorable(value, 'body');
  return value;
}

/** BODY_INVALID, shaped like a validation failure, when a string anywhere in `value` cannot be stored. */
export function refuseUnstorable(value: unknown, where: 'body' | 'query' | 'params'): void {
  const found = findUnstorable(value);
  if (found === null) return;
  const path = found.path === '' ? where : found.path;
  throw new DeskwireError('BODY_INVALID', `${path}: ${found.reason}.`, { issues: [{ path: found.path, message: found.reason }] });
}

/**
 * Every REST request passes here before a route sees it: a JSON body too deep for the serializer or holding NUL or
 * a lone surrogate, or such a character in the query string or path, is refused with a catalogue code before any
 * handler, authentication or store is involved. Everything the store cannot hold is refused in this one place.
 */
export function guardInput(app: FastifyInstance, maxDepth: number): void {
  const parseSecurely = app.getDefaultJsonParser('error', 'error');
  const parse = (request: FastifyRequest, text: string): unknown => {
    let result: { error: Error | null; value: unknown } = { error: null, value: undefined };
    // Fastify's own parser (empty bodies, invalid JSON, `__proto__` keys) answers synchronously.
    parseSecurely(request, text, (error: Error | null, value?: unknown) => (result = { error, value }));
    if (result.error) throw result.error;
    return result.value;
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, checkJsonBody(body as string, (text) => parse(request, text), maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    refuseUnstorable(request.query, 'query');
    refuseUnstorable(request.params, 'params');
  });
}
