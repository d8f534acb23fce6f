/**
 * The REST client of the CLI's commands: the SDK's `RestClient` (src/client/rest-client.ts), with the one thing the
 * command line adds, a bare token from a flag or the environment given its `JWT ` scheme. Failures are its `ApiError`.
 */
import { normalizeToken, RestClient } from '../client/rest-client.js';

export { ApiError, type RateLimitState } from '../client/rest-client.js';

export class ApiClient extends RestClient {
  constructor(baseUrl: string, token: string | null = null) {
    super(baseUrl, token === null ? null : normalizeToken(token));
  }

  override as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }
}
