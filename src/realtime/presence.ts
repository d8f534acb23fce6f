import type { LimitStore } from '../limits/limit-store.js';
import { PresenceBatch, type PresenceChange } from './presence-batch.js';

export type { PresenceChange, PresenceStatus } from './presence-batch.js';

/** Where presence changes go: the services write them (only where they change), with their project-user events. */
export interface PresenceSink {
  /** Several users' changes at once: one transaction per project for all of them. */
  setPresence(changes: readonly PresenceChange[]): Promise<void>;
  /** Users currently marked online in some project. */
  onlineUsers(): Promise<string[]>;
}

/** The shared count of a user's open Realtime connections, on every node (Redis in a cluster). */
const COUNTER = 'PRESENCE';

/**
 * Presence from Realtime connections: a user is online while they hold at least one connection on any node, and
 * offline `graceMs` after their last one closes, so a page reload or a quick reconnect does not flap. Connections
 * are counted in the shared limit store, so several nodes aggregate, and the connections of a node that died stop
 * counting after its liveness period; a periodic sweep then turns such users offline (and, on one node, whoever a
 * crash left online).
 *
 * Nobody is turned offline while the counts may be incomplete (`countsComplete`: Redis unreachable, or just back and
 * not every node has written its counts again): a count lost with Redis is not a user gone. Those decisions wait
 * for the first sweep once the counts are whole again.
 */
export class PresenceTracker {
  private readonly local = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  /** Each user's presence work runs in order: a quick close must not release before its open has acquired. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Users whose online presence this node wrote, and who have held a connection here ever since. */
  private readonly writtenOnline = new Set<string>();
  /** Changes of users connecting or leaving together are written together. */
  private readonly batch: PresenceBatch;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly sink: PresenceSink,
    private readonly counts: LimitStore,
    private readonly graceMs: number,
    private readonly onError: (error: unknown, userId: string | null) => void,
    sweepIntervalMs = graceMs,
  ) {
    this.batch = new PresenceBatch((changes) => this.sink.setPresence(changes));
    this.sweeper = setInterval(() => void this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  connected(userId: string): void {
    const heldHere = this.local.get(userId) ?? 0;
    this.local.set(userId, heldHere + 1);
    const pending = this.leaving.get(userId);
    if (pending) {
      clearTimeout(pending);
      this.leaving.delete(userId);
    }
    this.run(userId, async () => {
      await this.counts.acquire(COUNTER, userId, Number.MAX_SAFE_INTEGER);
      // A user already connected here, whose online this node wrote, is online: no node writes offline while
      // a connection of theirs is counted. A user's tenth tab costs no store read.
      if (heldHere > 0 && this.writtenOnline.has(userId)) return;
      // Idempotent: writes only when the stored presence differs (a reload within the grace period writes nothing).
      await this.batch.set(userId, 'online');
      if (this.local.has(userId)) this.writtenOnline.add(userId);
    });
  }

  disconnected(userId: string): void {
    const left = (this.local.get(userId) ?? 1) - 1;
    if (left > 0) this.local.set(userId, left);
    else {
      this.local.delete(userId);
      this.writtenOnline.delete(userId);
    }
    this.run(userId, async () => {
      await this.counts.release(COUNTER, userId);
      if (left > 0 || this.leaving.has(userId)) return;
      const timer = setTimeout(() => {
        this.leaving.delete(userId);
        this.run(userId, () => this.offlineIfGone(userId));
      }, this.graceMs);
      timer.unref();
      this.leaving.set(userId, timer);
    });
  }

  /** Turns offline the users marked online who hold no connection on any live node. */
  async sweep(): Promise<void> {
    if (!this.countsComplete()) return;
    try {
      for (const userId of await this.sink.onlineUsers()) {
        if (!this.local.has(userId) && !this.leaving.has(userId)) this.run(userId, () => this.offlineIfGone(userId));
      }
    } catch (error) {
      this.onError(error, null);
    }
  }

  /**
   * Writes online again for every user connected here (nothing is written where it already is): after this node
   * was cut off from the shared counts for longer than its liveness period, other nodes may have turned them offline.
   */
  reassert(): void {
    for (const userId of this.local.keys()) {
      this.run(userId, async () => {
        await this.batch.set(userId, 'online');
        if (this.local.has(userId)) this.writtenOnline.add(userId);
      });
    }
  }

  /** Resolves once the presence work begun so far (not grace periods still running) is written or has failed. */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Stops timers; presence in the store is left for whichever node the clients move to. */
  close(): void {
    clearInterval(this.sweeper);
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    this.local.clear();
    this.writtenOnline.clear();
  }

  private countsComplete(): boolean {
    return this.counts.countsComplete?.() ?? true;
  }

  private async offlineIfGone(userId: string): Promise<void> {
    // Decided later by a sweep, once every node's connections are counted again.
    if (!this.countsComplete()) return;
    const held = await this.counts.held(COUNTER, userId);
    // A count read as Redis failed is this node's alone.
    if (held > 0 || !this.countsComplete()) return;
    await this.batch.set(userId, 'offline');
    // A connection opened on another node meanwhile: it wrote online before our offline landed, so write it back.
    if ((await this.counts.held(COUNTER, userId)) > 0) await this.batch.set(userId, 'online');
  }

  private run(userId: string, work: () => Promise<void>): void {
    const next = (this.queues.get(userId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.onError(error, userId))
      .finally(() => {
        if (this.queues.get(userId) === next) this.queues.delete(userId);
      });
    this.queues.set(userId, next);
  }
}
