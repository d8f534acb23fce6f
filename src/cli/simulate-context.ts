/**
 * What a running simulation shares: the server, the clock of the run (timers that all stop together), the
 * in-flight REST calls the end waits for, and the conversations it opened.
 */
import { ApiError, type ApiClient } from './api-client.js';
import type { Random } from './simulate-random.js';
import type { SimulationStats } from './simulate-stats.js';
import type { VisitorPool, VisitorIdentity } from './simulate-visitor-pool.js';
import type { WeightedDepartment } from './simulate-load.js';

export interface SimulationTiming {
  /** Mean time from an agent joining to closing (log-normal). */
  handleTimeMs: number;
  /** Mean gap between a visitor's messages while the conversation is open. */
  visitorMessageEveryMs: number;
  /** Mean time to an agent's first reply after joining, and between later replies. */
  firstReplyMs: number;
  agentReplyEveryMs: number;
  /** Mean time an agent stays available before a break (breaks last a quarter of that). */
  availabilityPeriodMs: number;
  /** How often an agent looks at the queue. */
  pollEveryMs: number;
  /** Mean time a visitor waits for an agent before leaving (exponential). */
  patienceMs: number;
}

export interface Conversation {
  requestId: string;
  visitor: VisitorIdentity;
  arrivedAt: number;
  /** An agent of the run has taken it up (joined, or started handling it when routed to them). */
  taken: boolean;
  /** Closed by an agent or abandoned by the visitor: the visitor writes no more (a visitor's message would reopen it). */
  closed: boolean;
  /** The visitor gave up waiting and closed it: no agent of the run takes it up. */
  left: boolean;
}

export class SimulationContext {
  private running = true;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inflight = new Set<Promise<void>>();
  readonly conversations = new Map<string, Conversation>();
  /** Where visitors go (empty: the default department). */
  departments: WeightedDepartment[] = [];

  constructor(
    readonly api: ApiClient,
    readonly projectId: string,
    readonly stats: SimulationStats,
    readonly timing: SimulationTiming,
    readonly visitors: VisitorPool,
    readonly random: Random = Math.random,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Runs `fn` after `ms` unless the run has ended by then. */
  later(ms: number, fn: () => void): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Starts a REST action; a failure is counted, never thrown, and the end waits for it. */
  act(action: () => Promise<void>): void {
    if (!this.running) return;
    // A 429 is the server's limits at work (a demo server allows few sign-ins per IP): counted apart from failures.
    const done = action().catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 429) this.stats.throttledBy(error);
      else this.stats.failed(error);
    });
    const tracked = done.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  /** Stops every timer, then waits for the calls already sent. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}
