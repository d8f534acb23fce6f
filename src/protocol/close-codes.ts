/**
 * WebSocket close codes of the Realtime API (PROTOCOL §8), derived from the error catalogue: each code that ends a
 * connection for an error is that error's `close`, so the catalogue stays the one source (docs/errors.md).
 * Shared with the SDK: src/domain/errors.ts has no Node-only imports, and neither may this file.
 */
import { errors } from '../domain/errors.js';

export const CloseCode = {
  /** Not an error: the client or server is done with the connection. */
  NORMAL: 1000,
  /** The node is shutting down or draining: reconnect at once and resume with `since`. */
  GOING_AWAY: errors.DRAINING.close,
  /** Protocol abuse such as binary frames: do not reconnect unchanged. */
  POLICY_VIOLATION: errors.PROTOCOL_ABUSE.close,
  /** An inbound frame exceeded the size limit: do not resend it. */
  MESSAGE_TOO_BIG: errors.FRAME_TOO_LARGE.close,
  INTERNAL_ERROR: errors.INTERNAL.close,
  /** The token expired and was not refreshed in time: get a new token, then reconnect. */
  TOKEN_EXPIRED: errors.TOKEN_EXPIRED.close,
  /** Access revoked (user disabled or removed): do not reconnect with the same token. */
  REVOKED: errors.REVOKED.close,
  /** The client did not read fast enough: reconnect with back-off and resume with `since`. */
  SLOW_CONSUMER: errors.SLOW_CONSUMER.close,
  /** Too many frames: reconnect after `retry_after_seconds`. */
  RATE_LIMITED: errors.RATE_LIMITED.close,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The code the SDK closes its own socket with when a ping went unanswered: the network is taken for dead, so no
 * server is expected to read it, and it names no error of the catalogue (the SDK reports INTERNAL_ERROR locally).
 * Browsers only let a page close with 1000 or 3000-4999, hence not 1011.
 */
export const CLIENT_ABANDONED_CLOSE = 4000;

/** Whether a client should reconnect by itself after this close code (with back-off where it applies). */
export function shouldReconnect(code: number): boolean {
  switch (code) {
    case CloseCode.POLICY_VIOLATION:
    case CloseCode.MESSAGE_TOO_BIG:
    case CloseCode.REVOKED:
      return false;
    default:
      return true;
  }
}
