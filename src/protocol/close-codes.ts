/** WebSocket close codes of the Realtime API (PROTOCOL §8). Shared with the SDK: no Node-only imports. */
export const CloseCode = {
  NORMAL: 1000,
  /** The node is shutting down or draining: reconnect at once and resume with `since`. */
  GOING_AWAY: 1001,
  /** Protocol abuse such as binary frames: do not reconnect unchanged. */
  POLICY_VIOLATION: 1008,
  /** An inbound frame exceeded the size limit: do not resend it. */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** The token expired and was not refreshed in time: get a new one, then reconnect. */
  TOKEN_EXPIRED: 4001,
  /** Access revoked (user disabled or removed): do not reconnect with the same token. */
  REVOKED: 4003,
  /** The client did not read fast enough: reconnect with back-off and resume with `since`. */
  SLOW_CONSUMER: 4008,
  /** Too many frames: reconnect after `retry_after_seconds`. */
  RATE_LIMITED: 4029,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

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
