/**
 * What a request says about its transport, trusting proxy headers only when told to (TRUST_PROXY): without a
 * trusted proxy anyone could send `X-Forwarded-For` and pick the address their rate limits are counted under.
 * Shared by REST and the Realtime handshake, so both enforce PROTOCOL §7 the same way.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The last entry of a comma-separated forwarding header: the one our own (trusted) proxy appended. */
function lastEntry(value: string | string[] | undefined): string | null {
  const joined = Array.isArray(value) ? value.join(',') : value;
  if (joined === undefined) return null;
  const entries = joined.split(',').map((e) => e.trim()).filter(Boolean);
  return entries.at(-1) ?? null;
}

/** True when the request came over TLS: our own, or the trusted proxy's (`X-Forwarded-Proto: https`). */
export function cameOverTls(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted === true) return true;
  return trustProxy && lastEntry(req.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
}

/**
 * Whether the request may be served: always over our own TLS or plain loopback (config refuses any other plain
 * bind); behind a trusted proxy only when the proxy says the client used https.
 */
export function transportAllowed(req: IncomingMessage, trustProxy: boolean): boolean {
  return !trustProxy || cameOverTls(req, true);
}

/** The client's address: the proxy's `X-Forwarded-For` entry when trusted, else the socket's peer. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastEntry(req.headers['x-forwarded-for']) : null;
  return forwarded ?? req.socket.remoteAddress ?? 'unknown';
}
