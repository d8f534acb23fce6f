/**
 * The one error catalogue. REST bodies, handshake refusals, `error` frames and close codes all come from here.
 * Codes are never renamed or reused; docs/errors.md lists the same set (test/unit/error-catalogue.test.ts).
 */
export interface ErrorSpec {
  /** HTTP status when the error ends a request or a handshake; null when it cannot happen over HTTP. */
  readonly http: number | null;
  /** WebSocket close code when the error ends a connection; null when it leaves the connection open. */
  readonly close: number | null;
  readonly retryable: boolean;
  readonly message: string;
}

export const errors = {
  TOKEN_MISSING: { http: 401, close: null, retryable: false, message: 'No token was given.' },
  TOKEN_INVALID: { http: 401, close: null, retryable: false, message: 'The token is malformed or not signed by this server.' },
  TOKEN_EXPIRED: { http: 401, close: 4001, retryable: false, message: 'The token has expired.' },
  USER_DISABLED: { http: 401, close: 4003, retryable: false, message: 'The user is unknown or disabled.' },
  TLS_REQUIRED: { http: 403, close: null, retryable: false, message: 'This endpoint is served over TLS only.' },
  CONN_RATE_USER: { http: 429, close: null, retryable: true, message: 'Too many new connections for this user.' },
  CONN_RATE_IP: { http: 429, close: null, retryable: true, message: 'Too many new connections from this address.' },
  CONN_LIMIT_USER: { http: 429, close: null, retryable: true, message: 'Too many open connections for this user.' },
  CONN_LIMIT_PROJECT: { http: 429, close: null, retryable: true, message: 'Too many open connections for this project.' },
  DRAINING: { http: 503, close: 1001, retryable: true, message: 'This node is shutting down; connect again.' },
  HANDSHAKE_INVALID: { http: 400, close: null, retryable: false, message: 'Not a WebSocket upgrade on a Realtime API path.' },
  FRAME_INVALID: { http: null, close: null, retryable: false, message: 'The frame is not a JSON object with an action and a payload object.' },
  FRAME_TOO_LARGE: { http: null, close: 1009, retryable: false, message: 'The frame is larger than the inbound frame limit.' },
  FRAME_TOO_DEEP: { http: null, close: null, retryable: false, message: 'The frame nests arrays and objects deeper than the inbound limit.' },
  PROTOCOL_ABUSE: { http: null, close: 1008, retryable: false, message: 'Binary or repeatedly malformed frames.' },
  ACTION_UNKNOWN: { http: null, close: null, retryable: false, message: 'Unknown action.' },
  ACTION_FORBIDDEN: { http: null, close: null, retryable: false, message: 'The Realtime API is read-only: clients cannot publish.' },
  TOPIC_INVALID: { http: null, close: null, retryable: false, message: 'The topic is not one of the documented topic forms.' },
  SUBSCRIBE_FORBIDDEN: { http: 403, close: null, retryable: false, message: 'This topic does not exist or is not visible to you.' },
  SUBSCRIPTION_LIMIT: { http: null, close: null, retryable: false, message: 'Too many subscriptions on this connection.' },
  RATE_LIMITED: { http: 429, close: 4029, retryable: true, message: 'Too many frames; slow down.' },
  SLOW_CONSUMER: { http: null, close: 4008, retryable: true, message: 'The connection could not keep up with its events; resume with since.' },
  REVOKED: { http: 403, close: 4003, retryable: false, message: 'Access was revoked.' },
  BODY_INVALID: { http: 400, close: null, retryable: false, message: 'The request body or parameters are invalid.' },
  BODY_TOO_LARGE: { http: 413, close: null, retryable: false, message: 'The request body is too large.' },
  BODY_TOO_DEEP: { http: 400, close: null, retryable: false, message: 'The request body nests arrays and objects deeper than the limit.' },
  ROUTE_NOT_FOUND: { http: 404, close: null, retryable: false, message: 'No such route.' },
  NOT_FOUND: { http: 404, close: null, retryable: false, message: 'Not found, or not visible to you.' },
  FORBIDDEN: { http: 403, close: null, retryable: false, message: 'Your role does not allow this.' },
  SIGNIN_FAILED: { http: 401, close: null, retryable: false, message: 'Wrong email or password.' },
  EMAIL_TAKEN: { http: 409, close: null, retryable: false, message: 'A user with this email already exists.' },
  HISTORY_RANGE_INVALID: { http: 400, close: null, retryable: false, message: 'The time range is empty, reversed or longer than a year.' },
  DEPARTMENT_UNKNOWN: { http: 400, close: null, retryable: false, message: 'No such department in this project.' },
  IMPORT_INVALID: { http: 400, close: null, retryable: false, message: 'The import file has errors; nothing was imported.' },
  CONFLICT: { http: 409, close: null, retryable: false, message: 'The change conflicts with the current state.' },
  STORE_UNAVAILABLE: { http: 503, close: null, retryable: true, message: 'The store is unreachable; try again shortly.' },
  REDIS_UNAVAILABLE: { http: 503, close: null, retryable: true, message: 'Redis (the cluster bus and shared limits) is unreachable; try again shortly.' },
  DASHBOARD_NOT_BUILT: { http: 503, close: null, retryable: false, message: 'The dashboard is not built: run `npm run build:dashboard`.' },
  INTERNAL: { http: 500, close: 1011, retryable: true, message: 'Internal error.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errors;

export class DeskwireError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message ?? errors[code].message, options);
    this.name = 'DeskwireError';
  }

  get spec(): ErrorSpec {
    return errors[this.code];
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errors, value);
}
