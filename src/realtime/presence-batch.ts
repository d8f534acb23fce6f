export type PresenceStatus = 'online' | 'offline';

export interface PresenceChange {
  userId: string;
  status: PresenceStatus;
}

interface Pending {
  status: PresenceStatus;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Gathers presence changes into batches so that users connecting (or leaving) together cost one write per project,
 * not one per user. A batch is written on the turn of the event loop after its first change (no timer: presence
 * appears as soon as the store can take it); one batch is written at a time, and the changes that arrive meanwhile
 * form the next one, so under load the batches grow instead of the writes queueing up.
 */
export class PresenceBatch {
  private pending = new Map<string, Pending>();
  private writing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly write: (changes: readonly PresenceChange[]) => Promise<void>) {}

  /**
   * Resolves once the change is written, together with the rest of its batch; rejects with the batch's error. Two
   * changes of one user in one batch: the later wins (the writer sets a status, so only the last one matters).
   */
  set(userId: string, status: PresenceStatus): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(userId);
      if (entry) {
        entry.status = status;
        entry.waiters.push({ resolve, reject });
      } else {
        this.pending.set(userId, { status, waiters: [{ resolve, reject }] });
      }
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when every change given so far has been written (or has failed). */
  idle(): Promise<void> {
    if (!this.writing && !this.scheduled && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.writing = true;
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.write([...batch].map(([userId, { status }]) => ({ userId, status })));
        for (const { waiters } of batch.values()) for (const w of waiters) w.resolve();
      } catch (error) {
        for (const { waiters } of batch.values()) for (const w of waiters) w.reject(error);
      }
    }
    this.writing = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
