import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DeskwireError } from '../domain/errors.js';
import { sendError } from './error-response.js';

/** Vite's output (`npm run build:dashboard`); the source beside it is never served. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/** Only the types a Vite build emits; anything else is served as bytes. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The supervisor dashboard as static files at /dashboard/ (docs/dashboard.md). A handful of files read from disk: a
 * static-file plugin would add a dependency for nothing the dashboard needs. Vite names assets by content hash, so
 * those are cached for good; index.html is revalidated so a rebuild is picked up at once.
 */
export function dashboardRoutes(app: FastifyInstance, dist: string = DASHBOARD_DIST): void {
  const root = resolve(dist);
  const serve = async (path: string, reply: FastifyReply) => {
    // A resolved path outside the build (../, encoded or not) is treated as absent, never read.
    const file = resolve(root, path === '' ? 'index.html' : path);
    if (file !== root && !file.startsWith(root + sep)) return sendError(reply, new DeskwireError('ROUTE_NOT_FOUND'));
    if (!(await isFile(resolve(root, 'index.html')))) return sendError(reply, new DeskwireError('DASHBOARD_NOT_BUILT'));
    // Unknown paths get the page itself only when they look like a page (no extension), so a missing asset is a 404.
    const target = (await isFile(file)) ? file : extname(file) === '' ? resolve(root, 'index.html') : null;
    if (target === null) return sendError(reply, new DeskwireError('ROUTE_NOT_FOUND', `No file ${path} in the dashboard build.`));
    const immutable = target.includes(`${sep}assets${sep}`);
    return reply
      .header('content-type', TYPES[extname(target)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(await readFile(target));
  };
  app.get('/dashboard', async (_request, reply) => serve('', reply));
  app.get<{ Params: { '*': string } }>('/dashboard/*', async (request, reply) => serve(request.params['*'], reply));
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}
