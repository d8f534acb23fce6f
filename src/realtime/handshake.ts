import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { DeskwireError, errors } from '../domain/errors.js';
import { CAPABILITY_DELETE, capabilitiesOf } from '../protocol/capabilities.js';
import { stripTokenPrefix } from '../services/tokens.js';

/** The request path without its query: the only form of the URL that may be logged (the query can hold a token). */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

const WS_KEY = /^[+/0-9A-Za-z]{22}==$/;

/** A well-formed WebSocket upgrade (checked here so that every refusal has our JSON body, not the library's). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return (
    req.method === 'GET' &&
    (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    typeof key === 'string' &&
    WS_KEY.test(key) &&
    (version === '13' || version === '8')
  );
}

/**
 * The token from the `token` query parameter (with or without `JWT `, which URL encoding turns into `JWT%20`
 * or `JWT+`), else from `Authorization: JWT …` or `Bearer …`. Null when there is none.
 */
export function tokenOf(req: IncomingMessage): string | null {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q !== -1) {
    // URLSearchParams decodes both %20 and + to a space, as Tiledesk's server (querystring) did.
    const fromQuery = new URLSearchParams(url.slice(q + 1)).get('token');
    if (fromQuery !== null && stripTokenPrefix(fromQuery) !== '') return stripTokenPrefix(fromQuery);
  }
  const header = req.headers.authorization;
  if (typeof header === 'string' && stripTokenPrefix(header) !== '') return stripTokenPrefix(header);
  return null;
}

/** Whether the client declared at connect that it understands `DELETE` publishes (deskwire's SDK does). */
export function understandsDelete(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q !== -1 && capabilitiesOf(url.slice(q + 1)).has(CAPABILITY_DELETE);
}

/** Answers a refused upgrade with a plain HTTP response and a JSON body from the error catalogue, then hangs up. */
export function refuse(socket: Duplex, error: DeskwireError, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const status = errors[error.code].http ?? 500;
  const body = JSON.stringify({ error: error.code, message: error.message, ...error.details });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
