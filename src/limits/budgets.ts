import type { Config } from '../config.js';
import { DeskwireError, type ErrorCode } from '../domain/errors.js';
import type { LimitOverrides, OverridableLimit } from '../domain/limit-overrides.js';
import type { LimitStore, RateRule } from './limit-store.js';

/** Limits a project's owner may set for their project (within the operator's ceilings), each with the setting it overrides. */
export const overridableLimits = {
  rest_reads_per_minute: 'restReadsPerMinute',
  rest_writes_per_minute: 'restWritesPerMinute',
  ws_conn_max_per_project: 'wsConnMaxPerProject',
} as const satisfies Record<OverridableLimit, keyof Config>;

/** Reads projects' overrides from the store; called per charge, never cached, so a change applies at once on every node. */
export interface OverridesReader {
  of(projectId: string): Promise<LimitOverrides>;
}

export type BudgetConfig = Pick<
  Config,
  'userRequestsPerMinute' | 'restReadsPerMinute' | 'restWritesPerMinute' | 'restAuthPerIpPerMinute' | 'limitOverrideMaxFactor' | 'wsConnMaxPerProject'
>;

/** What a successful charge says about the tightest window it touched, for `RateLimit-*` headers. */
export interface Charge {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;
const USER_BUDGET = 'USER_REQUESTS_PER_MINUTE';

/**
 * The per-user and per-IP request budgets (issue: REST rate limits sharing one budget with Realtime connections):
 * every REST call and every new Realtime connection of a user draws from one per-user budget; REST calls also
 * draw from their group's budget (reads or writes), per project on project routes, where the owner's override
 * applies; sign-in and sign-up draw from a stricter per-IP budget.
 */
export class Budgets {
  constructor(
    private readonly store: LimitStore,
    private readonly config: BudgetConfig,
    private readonly overrides: OverridesReader,
  ) {}

  /** The highest value an override of `limit` may take. */
  ceiling(limit: OverridableLimit): number {
    return this.config[overridableLimits[limit]] * this.config.limitOverrideMaxFactor;
  }

  /**
   * A REST call of a signed-in user; `projectId` when the route is a project's, with its overrides when the caller
   * already read them (REST reads them with the user, in one statement). Throws RATE_LIMITED.
   */
  async chargeRequest(userId: string, write: boolean, projectId: string | null, known?: LimitOverrides): Promise<Charge> {
    const shared = await this.take({ name: USER_BUDGET, points: this.config.userRequestsPerMinute, windowSeconds: WINDOW_SECONDS }, userId, 'RATE_LIMITED');
    const limit: OverridableLimit = write ? 'rest_writes_per_minute' : 'rest_reads_per_minute';
    const overrides = projectId ? (known ?? (await this.overrides.of(projectId))) : {};
    const points = overrides[limit] ?? this.config[overridableLimits[limit]];
    const name = write ? 'REST_WRITES_PER_MINUTE' : 'REST_READS_PER_MINUTE';
    // Per project on project routes: a busy project does not eat a user's budget in another.
    const group = await this.take({ name, points, windowSeconds: WINDOW_SECONDS }, projectId ? `${projectId}:${userId}` : userId, 'RATE_LIMITED');
    return group.remaining <= shared.remaining ? group : shared;
  }

  /** Sign-up and sign-in from `ip`. Throws RATE_LIMITED. */
  chargeAuth(ip: string): Promise<Charge> {
    return this.take({ name: 'REST_AUTH_PER_IP_PER_MINUTE', points: this.config.restAuthPerIpPerMinute, windowSeconds: WINDOW_SECONDS }, ip, 'RATE_LIMITED');
  }

  /** A new Realtime connection draws from the same per-user budget as REST calls. Throws CONN_RATE_USER. */
  async chargeConnection(userId: string): Promise<void> {
    await this.take({ name: USER_BUDGET, points: this.config.userRequestsPerMinute, windowSeconds: WINDOW_SECONDS }, userId, 'CONN_RATE_USER');
  }

  /** The open-connection limit of a project with these overrides (read with the connecting user, at the handshake). */
  connectionsPerProject(overrides: LimitOverrides | undefined): number {
    return overrides?.ws_conn_max_per_project ?? this.config.wsConnMaxPerProject;
  }

  private async take(rule: RateRule, key: string, code: ErrorCode): Promise<Charge> {
    const decision = await this.store.hit(rule, key);
    if (!decision.allowed) {
      const message = code === 'RATE_LIMITED' ? `Too many requests: ${rule.name} allows ${rule.points} per ${rule.windowSeconds} s.` : undefined;
      throw new DeskwireError(code, message, {
        limit: rule.name,
        max: rule.points,
        window_seconds: rule.windowSeconds,
        retry_after_seconds: decision.retryAfterSeconds,
      });
    }
    return { limit: rule.points, remaining: decision.remaining ?? 0, resetSeconds: decision.resetSeconds ?? rule.windowSeconds };
  }
}
