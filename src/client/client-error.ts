/**
 * Typed SDK errors. `code` is one of the protocol's error codes (docs/errors.md) when the server named one, or
 * derived from the close code; the SDK's own situations use the `CLIENT_*` codes.
 */
import { errors, type ErrorCode } from '../domain/errors.js';

export type ClientOnlyCode =
  /** `close()` was called. */
  | 'CLIENT_CLOSED'
  /** The server closed with a code the catalogue does not name. */
  | 'CLIENT_CONNECTION_CLOSED'
  /** A token was needed (after expiry) and no `getToken` was given, or it failed. */
  | 'CLIENT_TOKEN_UNAVAILABLE'
  /** No WebSocket constructor: pass `WebSocket` in (Node 20 has none built in). */
  | 'CLIENT_NO_WEBSOCKET'
  /** The server (or a proxy) refused the handshake without naming a catalogue code; `status` says how. */
  | 'CLIENT_HANDSHAKE_REFUSED'
  /** The connection could not be made: refused, unknown host, reset (Node only; browsers do not say). Retried. */
  | 'CLIENT_CONNECTION_FAILED';

export type ClientErrorCode = ErrorCode | ClientOnlyCode;

export interface ClientErrorDetails {
  topic?: string;
  closeCode?: number;
  retryable?: boolean;
  retryAfterSeconds?: number;
  /** The HTTP status of a refused handshake. */
  status?: number;
  cause?: unknown;
}

export class DeskwireClientError extends Error {
  readonly code: ClientErrorCode;
  readonly topic: string | undefined;
  readonly closeCode: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** The HTTP status of a refused handshake (Node only: a browser does not see it). */
  readonly status: number | undefined;

  constructor(code: ClientErrorCode, message: string, details: ClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DeskwireClientError';
    this.code = code;
    this.topic = details.topic;
    this.closeCode = details.closeCode;
    this.retryable = details.retryable ?? (code in errors ? errors[code as ErrorCode].retryable : false);
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.status = details.status;
  }
}

/** Where several codes share a close code, the one a bare close (no error frame before it) stands for. */
const bareClose: Partial<Record<number, ErrorCode>> = { 4003: 'REVOKED' };

/** The catalogue code a close code stands for; `preferred` (the code of an error frame just before) wins when it fits. */
export function errorForClose(code: number, reason: string, preferred?: ErrorCode): DeskwireClientError {
  const known = (Object.keys(errors) as ErrorCode[]).filter((c) => errors[c].close === code);
  const chosen: ClientErrorCode =
    preferred && known.includes(preferred) ? preferred : (bareClose[code] ?? known[0] ?? 'CLIENT_CONNECTION_CLOSED');
  const message = reason || (chosen in errors ? errors[chosen as ErrorCode].message : `The connection closed with ${code}.`);
  return new DeskwireClientError(chosen, message, { closeCode: code });
}
