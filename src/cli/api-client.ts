/** The REST calls the client commands make: JSON in and out, failures as errors carrying the protocol's code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's `Retry-After` (seconds) on a 429, when it sent one. */
    readonly retryAfterSeconds: number | null = null,
    /** The error body as the server sent it (e.g. an import's `errors`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The `RateLimit-*` headers of an answer: the tightest window the call was charged to. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async call<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    return (await this.callReadingLimits<T>(method, path, body, contentType)).body;
  }

  /** A call that also returns the budget the server charged it to (null when the answer had no `RateLimit-*`). */
  async callReadingLimits<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ body: T; rateLimit: RateLimitState | null }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = contentType;
    // The server accepts `JWT …`, `Bearer …`; a bare JWT needs a scheme.
    if (this.token) headers.authorization = /^(JWT|Bearer) /i.test(this.token) ? this.token : `JWT ${this.token}`;
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body) });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (parsed ?? {}) as { error?: string; message?: string };
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ApiError(
        response.status,
        error.error ?? 'HTTP_ERROR',
        `${method} ${path}: ${response.status} ${error.error ?? ''} ${error.message ?? ''}`.trim(),
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
        (parsed ?? {}) as Record<string, unknown>,
      );
    }
    return { body: parsed as T, rateLimit: rateLimitOf(response.headers) };
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
}

function rateLimitOf(headers: Headers): RateLimitState | null {
  const limit = Number(headers.get('ratelimit-limit'));
  const remaining = Number(headers.get('ratelimit-remaining'));
  const resetSeconds = Number(headers.get('ratelimit-reset'));
  if (!headers.has('ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return null;
  return { limit, remaining, resetSeconds: Number.isFinite(resetSeconds) ? resetSeconds : 60 };
}
