/**
 * The tests' REST client: the SDK's `RestClient` (src/client/rest-client.ts) answering every call with its status and
 * parsed body, never throwing on 4xx/5xx, since most tests assert on the refusal itself. The token is sent as given.
 */
import { RestClient, type RestResponse } from '../../src/client/rest-client.js';

export type { RestResponse };

export class Rest {
  private readonly client: RestClient;

  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {
    this.client = new RestClient(baseUrl, token);
  }

  as(token: string): Rest {
    return new Rest(this.baseUrl, token);
  }

  call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse<T>> {
    return this.client.send<T>(method, path, body, headers);
  }

  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.call<T>('POST', path, body);
  }
  put<T = any>(path: string, body: unknown = {}) {
    return this.call<T>('PUT', path, body);
  }
  patch<T = any>(path: string, body: unknown = {}) {
    return this.call<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.call<T>('DELETE', path);
  }
}

/** Asserts a status and returns the body, showing the body when the status is wrong. */
export function expectStatus<T>(response: RestResponse<T>, status: number): T {
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}
