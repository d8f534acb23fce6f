/**
 * The token the client connects with, and its renewal: `getToken()` is asked before `exp` (the new token goes to
 * the server in a `refresh` frame), after a 4001 close, and when a cached token has run out while disconnected.
 */
import { DeskwireClientError } from './client-error.js';
import { tokenExpiresAt } from './jwt-expiry.js';

export interface TokenSourceHooks {
  /** A new token to hand to the open connection. */
  refreshed(token: string): void;
  failed(error: DeskwireClientError): void;
}

/** setTimeout's largest delay; a 24 h token's refresh waits in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A cached token this close to `exp` is not used for a new connection. */
const CONNECT_MARGIN_MS = 5_000;

export class TokenSource {
  private token: string | null;
  private expiresAtMs: number | null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(
    initial: string | undefined,
    private readonly getToken: (() => string | Promise<string>) | undefined,
    private readonly marginMs: number,
    private readonly hooks: TokenSourceHooks,
  ) {
    this.token = initial ?? null;
    this.expiresAtMs = initial === undefined ? null : expiryMs(initial);
  }

  get canRenew(): boolean {
    return this.getToken !== undefined;
  }

  /** A token good for connecting now, asking `getToken` when there is none or it is about to expire. */
  async current(): Promise<string> {
    const fresh = this.token !== null && (this.expiresAtMs === null || this.expiresAtMs - Date.now() > CONNECT_MARGIN_MS);
    if (fresh || !this.getToken) {
      if (this.token === null) throw new DeskwireClientError('CLIENT_TOKEN_UNAVAILABLE', 'No token.');
      return this.token;
    }
    return this.adopt(await this.getToken());
  }

  /** The server refused or expired the token: never connect with it again. */
  invalidate(): void {
    if (this.getToken) this.token = null;
  }

  /** While a connection is open: renew ahead of `exp`. */
  scheduleRefresh(): void {
    this.active = true;
    clearTimeout(this.timer);
    if (!this.getToken || this.expiresAtMs === null) return;
    const remaining = this.expiresAtMs - Date.now();
    // Short-lived tokens renew at half their remaining life, so a 2 s token does not renew in a loop.
    const delay = remaining > 2 * this.marginMs ? remaining - this.marginMs : Math.max(remaining / 2, 0);
    this.timer = setTimeout(() => {
      if (delay > MAX_TIMER_MS) return this.scheduleRefresh();
      void this.refreshNow();
    }, Math.min(delay, MAX_TIMER_MS));
  }

  async refreshNow(): Promise<void> {
    if (!this.getToken) throw new DeskwireClientError('CLIENT_TOKEN_UNAVAILABLE', 'No getToken callback to refresh with.');
    let token: string;
    try {
      token = this.adopt(await this.getToken());
    } catch (cause) {
      this.hooks.failed(new DeskwireClientError('CLIENT_TOKEN_UNAVAILABLE', 'getToken failed while refreshing.', { cause, retryable: true }));
      // Try again soon; if the token runs out first, the 4001 close path asks again.
      if (this.active) this.timer = setTimeout(() => void this.refreshNow(), 5_000);
      return;
    }
    if (this.active) this.hooks.refreshed(token);
  }

  /** The server accepted the refreshed token until `expiresAt` (seconds). */
  confirmed(expiresAt: number): void {
    this.expiresAtMs = expiresAt * 1000;
    if (this.active) this.scheduleRefresh();
  }

  /** The connection closed: nothing to refresh until the next one opens. */
  pause(): void {
    this.active = false;
    clearTimeout(this.timer);
  }

  stop(): void {
    this.pause();
  }

  private adopt(token: string): string {
    this.token = token;
    this.expiresAtMs = expiryMs(token);
    return token;
  }
}

function expiryMs(token: string): number | null {
  const exp = tokenExpiresAt(token);
  return exp === null ? null : exp * 1000;
}
