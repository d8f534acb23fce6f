/**
 * Local control requests to the server that holds DATA_DIR, over the Unix socket its lock opened inside DATA_DIR.
 * The socket and the directory are owner-only, so reaching the socket proves you are the user the server runs as:
 * filesystem permissions are the authentication, and nothing here is reachable from the network. The CLI uses it so
 * that it never opens a second PGlite on a live directory (which would corrupt it and read stale data).
 *
 * One request today: `POST /token {email, ttl}` (refused in production, like `deskwire token` itself).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { DataDirLock } from '../store/data-dir-lock.js';

export interface IssuedToken {
  token: string;
  expiresAt: number;
  projects: { id: string; name: string; role: string }[];
}

export interface ControlHandlers {
  /** null: no user with this email. */
  token(email: string, ttlSeconds: number | null): Promise<IssuedToken | null>;
}

const MAX_BODY_BYTES = 4096;

/** Answers control requests on the lock's socket until the lock is released. */
export function serveControl(lock: DataDirLock, handlers: ControlHandlers, options: { production: boolean }): void {
  const server = createServer((req, res) => {
    handle(req, res, handlers, options).catch((error: unknown) => reply(res, 500, { error: 'INTERNAL', message: String(error) }));
  });
  lock.onConnection((socket) => server.emit('connection', socket));
}

async function handle(req: IncomingMessage, res: ServerResponse, handlers: ControlHandlers, options: { production: boolean }): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/token') return reply(res, 404, { error: 'NOT_FOUND', message: 'Unknown control request.' });
  if (options.production) return reply(res, 403, { error: 'FORBIDDEN', message: 'Refused in production; sign in through POST /auth/signin instead.' });
  let body: { email?: unknown; ttl?: unknown };
  try {
    body = JSON.parse(await readBody(req)) as typeof body;
  } catch {
    return reply(res, 400, { error: 'BODY_INVALID', message: 'Expected {"email": …, "ttl": …}.' });
  }
  const ttl = body.ttl === undefined || body.ttl === null ? null : body.ttl;
  if (typeof body.email !== 'string' || (ttl !== null && (!Number.isInteger(ttl) || (ttl as number) < 1))) {
    return reply(res, 400, { error: 'BODY_INVALID', message: 'Expected {"email": string, "ttl": positive integer}.' });
  }
  const issued = await handlers.token(body.email, ttl as number | null);
  if (!issued) return reply(res, 404, { error: 'NOT_FOUND', message: `no user with email ${body.email}` });
  reply(res, 200, issued);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

export interface ControlReply {
  status: number;
  body: { error?: string; message?: string } & Partial<IssuedToken>;
}

/** Sends one control request; rejects when nobody answers on the socket (yet). */
export function askServer(socketPath: string, path: string, body: unknown): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      { socketPath, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, timeout: 10_000 },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(answer) as ControlReply['body'] });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the server did not answer on its control socket')));
    req.on('error', reject);
    req.end(text);
  });
}
