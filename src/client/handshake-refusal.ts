/**
 * Why a connection could not be opened. The server answers a refused handshake with an HTTP status and a JSON body
 * `{error, message, retry_after_seconds?}` (PROTOCOL §1). Node's `ws` shows that response (its
 * 'unexpected-response' event) and names network failures (ECONNREFUSED, ENOTFOUND); a browser's WebSocket shows
 * neither, only a 1006 close, so in a browser every refusal looks like a network failure.
 */
import { errors, type ErrorCode } from '../domain/errors.js';
import { DeskwireClientError } from './client-error.js';
import type { SocketLike } from './socket.js';

export interface HandshakeRefusal {
  status: number;
  /** The catalogue code of the body; null when the body named none (a proxy's error page). */
  code: ErrorCode | null;
  message: string;
  retryAfterSeconds: number | undefined;
}

/** Only a small JSON body is expected; anything longer is not ours. */
const MAX_BODY_CHARS = 16_384;
const BODY_WAIT_MS = 5000;

interface NodeResponse {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  setEncoding(encoding: string): void;
  on(event: 'data', listener: (chunk: string) => void): void;
  on(event: 'end' | 'error', listener: () => void): void;
}

interface NodeSocket {
  on(event: 'unexpected-response', listener: (request: unknown, response: NodeResponse) => void): void;
  terminate(): void;
}

/**
 * Reads the refusal of a handshake when the WebSocket implementation shows it (Node's `ws`), then ends the
 * attempt: `onRefusal` runs before the socket's close event.
 */
export function watchRefusal(socket: SocketLike, onRefusal: (refusal: HandshakeRefusal) => void): void {
  const node = socket as unknown as Partial<NodeSocket>;
  if (typeof node.on !== 'function' || typeof node.terminate !== 'function') return;
  node.on('unexpected-response', (_request, response) => {
    let body = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      onRefusal(parseRefusal(response.statusCode ?? 0, response.headers['retry-after'], body));
      // With a listener, `ws` leaves the failed handshake to us: this ends it with the usual 1006 close.
      node.terminate!();
    };
    // A body that never ends (a misbehaving proxy) must not hold the attempt open.
    const timer = setTimeout(finish, BODY_WAIT_MS);
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      if (body.length < MAX_BODY_CHARS) body += chunk;
    });
    response.on('end', finish);
    response.on('error', finish);
  });
}

export function parseRefusal(status: number, retryAfterHeader: string | string[] | undefined, body: string): HandshakeRefusal {
  let parsed: { error?: unknown; message?: unknown; retry_after_seconds?: unknown } = {};
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object') parsed = value as typeof parsed;
  } catch {
    // not JSON: not our server's answer
  }
  const code = typeof parsed.error === 'string' && parsed.error in errors ? (parsed.error as ErrorCode) : null;
  const header = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
  const retryAfter = typeof parsed.retry_after_seconds === 'number' ? parsed.retry_after_seconds : header !== undefined ? Number(header) : NaN;
  return {
    status,
    code,
    message: typeof parsed.message === 'string' ? parsed.message : `The server refused the connection with HTTP ${status}.`,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  };
}

const networkWords: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The network failure a `ws` error event names (ECONNREFUSED, ENOTFOUND…); null in browsers, which name none. */
export function networkFailureOf(event: unknown): { code: string; message: string } | null {
  const error = (event as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string') return null;
  const detail = typeof error.message === 'string' ? error.message : error.code;
  return { code: error.code, message: networkWords[error.code] ? `${networkWords[error.code]} (${detail})` : detail };
}

/**
 * What the SDK does about a refusal it could read. A missing, bad or expired token is terminal unless `getToken` can
 * give a new one; a disabled user and a malformed request are terminal; limits (429) and a draining or overloaded
 * node (503) are retried, after `Retry-After` plus back-off.
 */
export function refusalOutcome(refusal: HandshakeRefusal, canRenewToken: boolean): { error: DeskwireClientError; action: 'stop' | 'retry' | 'renew-token' } {
  const retryable = refusal.code ? errors[refusal.code].retryable : refusal.status === 429 || refusal.status >= 500;
  const error = new DeskwireClientError(refusal.code ?? 'CLIENT_HANDSHAKE_REFUSED', refusal.message, {
    status: refusal.status,
    retryAfterSeconds: refusal.retryAfterSeconds,
    retryable,
  });
  if (refusal.code === 'TOKEN_EXPIRED' || refusal.code === 'TOKEN_INVALID' || refusal.code === 'TOKEN_MISSING') {
    return { error, action: canRenewToken ? 'renew-token' : 'stop' };
  }
  return { error, action: retryable ? 'retry' : 'stop' };
}
