/**
 * The simulated visitors' identities, within a share of the server's per-IP sign-in budget.
 *
 * Sign-in, sign-up and anonymous sign-in draw from one budget per client IP (`REST_AUTH_PER_IP_PER_MINUTE`), and
 * every simulated visitor comes from our one IP, as does a person signing in to the dashboard on the same machine.
 * So a new visitor identity is signed in at most `share` of that budget per minute, and only while the server says
 * more than half of it is left; any other arrival is a returning visitor (an identity signed in earlier, preferably
 * the one with the fewest conversations open) starting a new conversation. The budget's size is read from the server's
 * `RateLimit-*` headers, so the share follows the server's configuration.
 */
import { ApiError, type ApiClient, type RateLimitState } from './api-client.js';
import { pick, type Random } from './simulate-random.js';

/** The share of the per-IP sign-in budget new visitor identities may use per minute. */
export const VISITOR_SIGNIN_SHARE = 0.25;
/** New identities stop while the server reports this share of the budget or less left (for people and agents). */
export const SIGNIN_RESERVE_SHARE = 0.5;
/** The server's default budget, assumed until its first answer tells the real one. */
const ASSUMED_LIMIT = 20;

export interface VisitorIdentity {
  api: ApiClient;
  /** Conversations of this identity the run has open now. */
  open: number;
}

export class VisitorPool {
  readonly identities: VisitorIdentity[] = [];
  /** Sign-ins this run made for visitors. */
  signins = 0;
  private budget: { state: RateLimitState; at: number } | null = null;
  private lastSigninAt = -Infinity;
  private pending: Promise<VisitorIdentity> | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly projectId: string,
    private readonly random: Random,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records what a sign-in answer said about the per-IP budget (the agents' sign-ins report here too). */
  observe(state: RateLimitState | null): void {
    if (state) this.budget = { state, at: this.now() };
  }

  /** At most this many new identities per minute. */
  get signinsPerMinute(): number {
    return Math.max(1, Math.floor((this.budget?.state.limit ?? ASSUMED_LIMIT) * VISITOR_SIGNIN_SHARE));
  }

  /** An identity for an arriving visitor: a new one when the budget allows, else a returning one. */
  async obtain(name: string): Promise<{ identity: VisitorIdentity; returning: boolean }> {
    if (this.identities.length === 0) {
      // The first identity is needed whatever the budget; concurrent first arrivals share one sign-in.
      this.pending ??= this.signIn(name).finally(() => (this.pending = null));
      return { identity: await this.pending, returning: false };
    }
    if (this.maySignIn()) {
      try {
        return { identity: await this.signIn(name), returning: false };
      } catch (error) {
        // Someone else used the budget up meanwhile: come back as an earlier visitor.
        if (!(error instanceof ApiError && error.status === 429)) throw error;
      }
    }
    // The one with the fewest conversations open (ties drawn): each identity has its own per-user write budget.
    const fewest = Math.min(...this.identities.map((i) => i.open));
    return { identity: pick(this.identities.filter((i) => i.open === fewest), this.random), returning: true };
  }

  private maySignIn(): boolean {
    const now = this.now();
    if (now - this.lastSigninAt < 60_000 / this.signinsPerMinute) return false;
    if (!this.budget) return true;
    const { state, at } = this.budget;
    // A window that has reset since the answer is full again.
    const remaining = now - at >= state.resetSeconds * 1000 ? state.limit : state.remaining;
    return remaining > state.limit * SIGNIN_RESERVE_SHARE;
  }

  private async signIn(name: string): Promise<VisitorIdentity> {
    this.lastSigninAt = this.now();
    const { body, rateLimit } = await this.api.callReadingLimits<{ token: string }>('POST', '/auth/signinAnonymously', {
      id_project: this.projectId,
      firstname: name,
    });
    this.observe(rateLimit);
    this.signins += 1;
    const identity = { api: this.api.as(body.token), open: 0 };
    this.identities.push(identity);
    return identity;
  }
}
