/**
 * The simulated visitors' identities, within a share of the server's per-IP sign-in budget.
 *
 * Sign-in, sign-up and anonymous sign-in draw from one budget per client IP (`REST_AUTH_PER_IP_PER_MINUTE`), and
 * every simulated visitor comes from our one IP, as does a person signing in to the dashboard on the same machine.
 * So a new visitor identity is signed in at most `share` of that budget per minute, and only while the server says
 * more than half of it is left; any other arrival is a returning visitor (an identity signed in earlier, preferably
 * the one with the most of its write budget left) starting a new conversation. The budget's size is read from the
 * server's `RateLimit-*` headers, so the share follows the server's configuration.
 *
 * Each identity has its own per-user write budget (`REST_WRITES_PER_MINUTE`), which a busy run's few identities can
 * use up: every write's answer says what is left of it, so a returning visitor takes the identity with the most left,
 * and when every identity has used half of its budget a new one is signed in sooner than the share's pace (still
 * only while more than half of the per-IP budget is left).
 */
import { ApiClient, ApiError, type RateLimitState } from './api-client.js';
import { pick, type Random } from './simulate-random.js';

/** The share of the per-IP sign-in budget new visitor identities may use per minute. */
export const VISITOR_SIGNIN_SHARE = 0.25;
/** New identities stop while the server reports this share of the budget or less left (for people and agents). */
export const SIGNIN_RESERVE_SHARE = 0.5;
/** An identity with this share of its write budget left or less is busy: a new one may be signed in sooner. */
export const WRITE_BUDGET_RESERVE_SHARE = 0.5;
/** The server's default budget, assumed until its first answer tells the real one. */
const ASSUMED_LIMIT = 20;

export interface VisitorIdentity {
  api: VisitorApi;
  /** Conversations of this identity the run has open now. */
  open: number;
}

/** A visitor identity's client: it keeps what the server's last answer to one of its writes said of its budget. */
export class VisitorApi extends ApiClient {
  lastWrite: { state: RateLimitState; at: number } | null = null;

  constructor(
    baseUrl: string,
    token: string,
    private readonly now: () => number,
  ) {
    super(baseUrl, token);
  }

  override async callReadingLimits<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const answer = await super.callReadingLimits<T>(method, path, body, headers);
    if (method !== 'GET' && answer.rateLimit) this.lastWrite = { state: answer.rateLimit, at: this.now() };
    return answer;
  }

  /** The share of its write budget left (1 before its first write, or once the window it reported has reset). */
  writeBudgetLeft(): number {
    if (!this.lastWrite) return 1;
    const { state, at } = this.lastWrite;
    if (this.now() - at >= state.resetSeconds * 1000) return 1;
    return state.remaining / Math.max(1, state.limit);
  }
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
    if (this.maySignIn() || (this.allBusy() && this.budgetAllowsSignin())) {
      try {
        return { identity: await this.signIn(name), returning: false };
      } catch (error) {
        // Someone else used the budget up meanwhile: come back as an earlier visitor.
        if (!(error instanceof ApiError && error.status === 429)) throw error;
      }
    }
    // The one with the most of its write budget left, then the fewest conversations open (ties drawn).
    const left = (i: VisitorIdentity) => i.api.writeBudgetLeft();
    const most = Math.max(...this.identities.map(left));
    const fewest = Math.min(...this.identities.filter((i) => left(i) === most).map((i) => i.open));
    return { identity: pick(this.identities.filter((i) => left(i) === most && i.open === fewest), this.random), returning: true };
  }

  /** Every identity has used half of its write budget or more: more visitors on them would be refused soon. */
  private allBusy(): boolean {
    return this.identities.every((i) => i.api.writeBudgetLeft() <= WRITE_BUDGET_RESERVE_SHARE);
  }

  private maySignIn(): boolean {
    if (this.now() - this.lastSigninAt < 60_000 / this.signinsPerMinute) return false;
    return this.budgetAllowsSignin();
  }

  /** More than the reserve of the per-IP budget is left, as the server's last answer said. */
  private budgetAllowsSignin(): boolean {
    const now = this.now();
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
    const identity = { api: new VisitorApi(this.api.baseUrl, body.token, this.now), open: 0 };
    this.identities.push(identity);
    return identity;
  }
}
