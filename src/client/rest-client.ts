/**
 * The one REST client (docs/client.md#rest): JSON in and out over `fetch`, for the browser (the dashboard), the CLI
 * and the tests. `send` answers every status with the parsed body, for callers that look at refusals themselves;
 * `call` and the verb methods return the body of a 2xx and throw an `ApiError` carrying the catalogue's code
 * otherwise. Browser-safe: fetch only, no Node imports.
 */
import { isErrorCode, type ErrorCode } from '../domain/errors.js';

export interface RestResponse<T = any> {
  status: number;
  /** The parsed JSON body; the text itself when it is not JSON; null when empty. */
  body: T;
}

/** A REST failure: the HTTP status and the catalogue's code, so a caller can branch on `FORBIDDEN` or a 429. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The catalogue's code from the body; `HTTP_<status>` when the answer carried none (a proxy's 502, say). */
    readonly code: ErrorCode | `HTTP_${number}`,
    /** The server's own sentence for it (or the status text): what a page shows a person. */
    readonly reason: string,
    /** `METHOD /path`, for logs and the CLI. */
    readonly call: string,
    /** The server's `Retry-After` (seconds) on a 429 or 503, when it sent one. */
    readonly retryAfterSeconds: number | null = null,
    /** The error body as the server sent it (e.g. an import's `errors`); {} when it was not a JSON object. */
    readonly body: Record<string, unknown> = {},
  ) {
    super(`${call}: ${status} ${code} ${reason}`.trim());
    this.name = 'ApiError';
  }
}

/** The server takes `JWT <jwt>` or `Bearer <jwt>`; a bare JWT (pasted, or from an environment variable) gets `JWT `. */
export function normalizeToken(raw: string): string {
  const token = raw.trim();
  return /^(JWT|Bearer) /i.test(token) ? token : `JWT ${token}`;
}

/** The `RateLimit-*` headers of an answer: the tightest window the call was charged to. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export class RestClient {
  /**
   * @param baseUrl the server's origin (`http://host:3000`); '' for paths relative to the page, as the dashboard is.
   * @param token sent as the `Authorization` header as given (see `normalizeToken`), so a test can send a bad one.
   */
  constructor(
    readonly baseUrl: string = '',
    readonly token: string | null = null,
  ) {}

  /** The same server as another caller. */
  as(token: string | null): RestClient {
    return new RestClient(this.baseUrl, token);
  }

  /** Any status, with its parsed body; a string body is sent as it is (for tests of malformed input). */
  async send<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse<T>> {
    const { status, body: answer } = await this.exchange(method, path, body, headers);
    return { status, body: answer as T };
  }

  /** The body of a 2xx answer; anything else throws an `ApiError`. A string body goes as it is, with `headers`' type. */
  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return (await this.callReadingLimits<T>(method, path, body, headers)).body;
  }

  /** As `call`, also returning the budget the server charged the call to (null when it sent no `RateLimit-*`). */
  async callReadingLimits<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; rateLimit: RateLimitState | null }> {
    const { status, statusText, headers: answered, body: answer } = await this.exchange(method, path, body, headers);
    if (status >= 200 && status < 300) return { body: answer as T, rateLimit: rateLimitOf(answered) };
    const refusal = (typeof answer === 'object' && answer !== null ? answer : {}) as { error?: unknown; message?: unknown };
    const code = typeof refusal.error === 'string' && isErrorCode(refusal.error) ? refusal.error : (`HTTP_${status}` as const);
    const retryAfter = Number(answered.get('retry-after'));
    throw new ApiError(
      status,
      code,
      typeof refusal.message === 'string' ? refusal.message : statusText,
      `${method} ${path}`,
      answered.has('retry-after') && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      refusal as Record<string, unknown>,
    );
  }

  private async exchange(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const response = await fetch(this.baseUrl.replace(/\/$/, '') + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: this.token } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, statusText: response.statusText, headers: response.headers, body: parseBody(await response.text()) };
  }

  get<T = any>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }
  put<T = any>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('PUT', path, body);
  }
  patch<T = any>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }
  delete<T = any>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }
}

function rateLimitOf(headers: Headers): RateLimitState | null {
  const limit = Number(headers.get('ratelimit-limit'));
  const remaining = Number(headers.get('ratelimit-remaining'));
  const resetSeconds = Number(headers.get('ratelimit-reset'));
  if (!headers.has('ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return null;
  return { limit, remaining, resetSeconds: Number.isFinite(resetSeconds) ? resetSeconds : 60 };
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
