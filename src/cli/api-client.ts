/** The REST calls the client commands make: JSON in and out, failures as errors carrying the protocol's code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body as the server sent it (e.g. an import's `errors`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
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
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = contentType;
    // The server accepts `JWT …`, `Bearer …`; a bare JWT needs a scheme.
    if (this.token) headers.authorization = /^(JWT|Bearer) /i.test(this.token) ? this.token : `JWT ${this.token}`;
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body) });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (parsed ?? {}) as { error?: string; message?: string };
      throw new ApiError(response.status, error.error ?? 'HTTP_ERROR', `${method} ${path}: ${response.status} ${error.error ?? ''} ${error.message ?? ''}`.trim(), (parsed ?? {}) as Record<string, unknown>);
    }
    return parsed as T;
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
}
