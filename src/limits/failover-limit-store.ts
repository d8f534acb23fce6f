import type { RedisLink } from '../redis/redis-link.js';
import type { LimitStore, RateDecision, RateRule } from './limit-store.js';
import { MemoryLimitStore } from './memory-limit-store.js';
import type { HeldSlot, RedisLimitStore } from './redis-limit-store.js';

/**
 * The limit store of a cluster node: the shared Redis counters while the link is up, and this node's share of each
 * limit in memory while it is down, so that a Redis outage slows no request and refuses none that its share allows.
 *
 * A node's share of a limit is `ceil(limit / n)`, `n` being the nodes that were alive at its last heartbeat (1 if it
 * never reached Redis): with clients spread evenly, the cluster as a whole stays near the limit. Rate windows start
 * afresh in memory; slot limits count the connections this node already holds.
 *
 * The node always keeps its own slot counts (`mine`): they are what it holds in Redis, and what it writes back
 * there when the link comes back (Redis may have restarted empty, or counts moved on here meanwhile), before the
 * link reports up. In the first `settleMs` of a new or restarted Redis, counts may still miss nodes that have not
 * written theirs back yet: `countsComplete` says so, and presence waits. A Redis that kept its data (this node
 * alone was cut off, or is new) is complete at once.
 */
export class FailoverLimitStore implements LimitStore {
  private readonly local = new MemoryLimitStore();
  /** counter\0key → slots this node holds (0: released while Redis was away, to remove there). */
  private readonly mine = new Map<string, number>();
  private completeAt = Number.POSITIVE_INFINITY;
  /** What the last restore learnt: from when this Redis's counts are whole. */
  private restoredCompleteAt = Number.POSITIVE_INFINITY;
  /** While a restore runs: the slots changed since their count was written (written again before "up"). */
  private touched: Set<string> | null = null;

  constructor(
    private readonly shared: RedisLimitStore,
    private readonly link: RedisLink,
    private readonly settleMs: number,
  ) {
    link.onRestore(() => this.restore());
    link.onChange((state) => {
      this.completeAt = state === 'up' ? this.restoredCompleteAt : Number.POSITIVE_INFINITY;
      const late = this.touched;
      this.touched = null;
      // A count changed after the restore wrote it and before the link came up (another restorer ran between):
      // Redis is behind this node; go round once more rather than leave it so.
      if (state === 'up' && late !== null && late.size > 0) queueMicrotask(() => this.link.failed(new Error('slot counts changed while being restored')));
    });
  }

  /** This node's share of `limit` while Redis is unreachable. */
  share(limit: number): number {
    return Math.max(1, Math.ceil(limit / Math.max(1, this.shared.liveNodes)));
  }

  hit(rule: RateRule, key: string): Promise<RateDecision> {
    return this.sharedOr(
      () => this.shared.hit(rule, key),
      () => this.local.hit({ ...rule, points: this.share(rule.points) }, key),
    );
  }

  async acquire(counter: string, key: string, max: number): Promise<boolean> {
    const slot = slotId(counter, key);
    if (this.link.state === 'up') {
      try {
        const taken = await this.shared.acquire(counter, key, max);
        if (taken) this.count(slot, 1);
        return taken;
      } catch (error) {
        // It may have been taken in Redis before the failure: the restore writes back what `mine` says.
        this.link.failed(error);
      }
    }
    if ((this.mine.get(slot) ?? 0) >= this.share(max)) return false;
    this.count(slot, 1);
    return true;
  }

  async release(counter: string, key: string): Promise<void> {
    const slot = slotId(counter, key);
    const held = this.mine.get(slot);
    if (held === undefined || held <= 0) return;
    this.count(slot, -1);
    if (this.link.state !== 'up') return;
    try {
      await this.shared.release(counter, key);
      if (this.mine.get(slot) === 0 && this.link.state === 'up') this.mine.delete(slot);
    } catch (error) {
      this.link.failed(error);
    }
  }

  held(counter: string, key: string): Promise<number> {
    return this.sharedOr(
      () => this.shared.held(counter, key),
      async () => this.mine.get(slotId(counter, key)) ?? 0,
    );
  }

  countsComplete(): boolean {
    return this.link.state === 'up' && Date.now() >= this.completeAt;
  }

  /** Stops announcing this node; its slots stop counting at once (when Redis is reachable). */
  async close(): Promise<void> {
    await this.shared.close().catch(() => {});
  }

  /** Asks Redis while the link is up; when it is down, or the call fails (which the link is told), answers locally. */
  private async sharedOr<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.link.state === 'up') {
      try {
        return await shared();
      } catch (error) {
        this.link.failed(error);
      }
    }
    return local();
  }

  private count(slot: string, by: number): void {
    this.mine.set(slot, (this.mine.get(slot) ?? 0) + by);
    this.touched?.add(slot);
  }

  /**
   * Announces this node and writes its counts back into Redis, again for any that changed meanwhile, until none
   * did (runs before the link reports up; `touched` keeps watching until then).
   */
  private async restore(): Promise<void> {
    let pending = new Set(this.mine.keys());
    do {
      const slots: HeldSlot[] = [...pending].map((slot) => {
        const [counter, key] = slot.split('\u0000') as [string, string];
        return { counter, key, count: this.mine.get(slot) ?? 0 };
      });
      const touched = new Set<string>();
      this.touched = touched;
      const { epochAgeMs } = await this.shared.rejoin(slots);
      this.restoredCompleteAt = Date.now() + Math.max(0, this.settleMs - epochAgeMs);
      // Released while Redis was away and now removed there too, unless taken again since.
      for (const { counter, key, count } of slots) {
        const slot = slotId(counter, key);
        if (count === 0 && this.mine.get(slot) === 0 && !touched.has(slot)) this.mine.delete(slot);
      }
      pending = touched;
    } while (pending.size > 0);
  }
}

function slotId(counter: string, key: string): string {
  return `${counter}\u0000${key}`;
}
