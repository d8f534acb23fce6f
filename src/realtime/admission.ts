import type { Config } from '../config.js';
import { DeskwireError, type ErrorCode } from '../domain/errors.js';
import type { LimitOverrides } from '../domain/limit-overrides.js';
import type { Budgets } from '../limits/budgets.js';
import type { LimitStore, RateRule } from '../limits/limit-store.js';

/** What a refused concurrent-connection limit suggests waiting: a slot frees when any connection closes. */
const SLOT_RETRY_AFTER_SECONDS = 5;
const USER_COUNTER = 'WS_CONN_MAX_PER_USER';
const PROJECT_COUNTER = 'WS_CONN_MAX_PER_PROJECT';

/** The slots one admitted connection holds; `release` gives them back when it closes (idempotent). */
export interface Admission {
  release(): void;
}

/** A 429 refusal with PROTOCOL §1's body extras; the gateway turns `retry_after_seconds` into `Retry-After`. */
function refusal(code: ErrorCode, limit: string, max: number, windowSeconds: number | null, retryAfterSeconds: number): DeskwireError {
  return new DeskwireError(code, undefined, { limit, max, window_seconds: windowSeconds, retry_after_seconds: retryAfterSeconds });
}

/**
 * The connection limits of PROTOCOL §6, checked at the handshake. A connection counts against its user and against
 * every project in which that user is an active desk member at connect time: that is where it can subscribe, and it
 * is known before the upgrade, so an excess is refused with a 429 instead of an opaque close later.
 */
export class ConnectionAdmission {
  private readonly ipRule: RateRule;
  private readonly userRule: RateRule;

  constructor(
    private readonly store: LimitStore,
    private readonly config: Pick<Config, 'wsConnRateIpPerMinute' | 'wsConnRateUserPerMinute' | 'wsConnMaxPerUser' | 'wsConnMaxPerProject'>,
    /** When given: new connections also draw from the user's budget shared with REST, and projects' overrides apply. */
    private readonly budgets?: Budgets,
  ) {
    this.ipRule = { name: 'WS_CONN_RATE_IP_PER_MINUTE', points: config.wsConnRateIpPerMinute, windowSeconds: 60 };
    this.userRule = { name: 'WS_CONN_RATE_USER_PER_MINUTE', points: config.wsConnRateUserPerMinute, windowSeconds: 60 };
  }

  /** Every handshake attempt from `ip` counts, before the token is even read: failed attempts are the ones to slow. */
  async checkIp(ip: string): Promise<void> {
    const decision = await this.store.hit(this.ipRule, ip);
    if (!decision.allowed) throw refusal('CONN_RATE_IP', this.ipRule.name, this.ipRule.points, 60, decision.retryAfterSeconds);
  }

  /**
   * Counts a new connection of a verified user, then takes its user and project slots (all or none). `limits`:
   * the projects' overrides, read with the user (they apply only with budgets, like every override).
   */
  async admit(userId: string, projectIds: readonly string[], limits: ReadonlyMap<string, LimitOverrides> = new Map()): Promise<Admission> {
    const rate = await this.store.hit(this.userRule, userId);
    if (!rate.allowed) throw refusal('CONN_RATE_USER', this.userRule.name, this.userRule.points, 60, rate.retryAfterSeconds);
    await this.budgets?.chargeConnection(userId);
    const maxes = projectIds.map((id) => this.budgets?.connectionsPerProject(limits.get(id)) ?? this.config.wsConnMaxPerProject);
    const held: [string, string][] = [];
    const releaseHeld = () => held.splice(0).forEach(([counter, key]) => void this.store.release(counter, key));
    if (!(await this.store.acquire(USER_COUNTER, userId, this.config.wsConnMaxPerUser))) {
      throw refusal('CONN_LIMIT_USER', USER_COUNTER, this.config.wsConnMaxPerUser, null, SLOT_RETRY_AFTER_SECONDS);
    }
    held.push([USER_COUNTER, userId]);
    for (const [i, projectId] of projectIds.entries()) {
      const max = maxes[i]!;
      if (!(await this.store.acquire(PROJECT_COUNTER, projectId, max))) {
        releaseHeld();
        throw refusal('CONN_LIMIT_PROJECT', PROJECT_COUNTER, max, null, SLOT_RETRY_AFTER_SECONDS);
      }
      held.push([PROJECT_COUNTER, projectId]);
    }
    return { release: releaseHeld };
  }
}
