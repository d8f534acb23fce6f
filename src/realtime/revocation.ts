import { DeskwireError } from '../domain/errors.js';
import type { Bus } from '../events/bus.js';
import type { ProjectEvent } from '../events/event.js';
import type { Queryable } from '../store/db.js';
import { findUserById, inactiveUserIds } from '../store/users.js';
import type { Logger } from './logger.js';
import { addToIndex, removeFromIndex } from './set-index.js';
import { eventUserId } from './topic-rules.js';

/** What revocation needs from a connection. */
export interface Revocable {
  readonly userId: string;
  revoke(error: DeskwireError): void;
}

/**
 * Closes every connection of a user who is disabled or deleted (4003), whether or not it holds subscriptions.
 * Disabling a user emits a project_user event per membership; any project_user event about a user with connections
 * on this node re-reads that user (one primary-key read per event, at most one in flight per user: such events are
 * rare next to messages, and a stale "still active" is never trusted). When the bus comes back after an outage, the
 * events it missed never arrive here (hubs read them from the outbox for subscribers only), so every user with
 * connections on this node is re-read then, in one statement.
 */
export class UserRevocation {
  private readonly byUser = new Map<string, Set<Revocable>>();
  private readonly checking = new Map<string, boolean>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReconnect: () => void;

  constructor(
    bus: Bus,
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe((event) => this.onEvent(event));
    this.unsubscribeReconnect = bus.onReconnect(() => void this.checkAll());
  }

  track(conn: Revocable): void {
    addToIndex(this.byUser, conn.userId, conn);
  }

  untrack(conn: Revocable): void {
    removeFromIndex(this.byUser, conn.userId, conn);
  }

  close(): void {
    this.unsubscribe();
    this.unsubscribeReconnect();
  }

  private async checkAll(): Promise<void> {
    try {
      for (const userId of await inactiveUserIds(this.db, [...this.byUser.keys()])) {
        for (const conn of [...(this.byUser.get(userId) ?? [])]) conn.revoke(new DeskwireError('USER_DISABLED'));
      }
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'realtime: could not re-check connected users after the bus came back; their next event or refresh will');
    }
  }

  private onEvent(e: ProjectEvent): void {
    if (e.kind !== 'project_user') return;
    const userId = eventUserId(e);
    if (userId !== null) this.request(userId);
  }

  private request(userId: string): void {
    if (!this.byUser.has(userId)) return;
    if (this.checking.has(userId)) {
      this.checking.set(userId, true); // another event came meanwhile: check once more afterwards
      return;
    }
    this.checking.set(userId, false);
    void this.check(userId);
  }

  private async check(userId: string): Promise<void> {
    try {
      const user = await findUserById(this.db, userId);
      if (user === null || !user.active) {
        for (const conn of [...(this.byUser.get(userId) ?? [])]) conn.revoke(new DeskwireError('USER_DISABLED'));
      }
    } catch (error) {
      this.logger.warn({ userId, err: String(error) }, 'realtime: could not re-check a user; their next event or refresh will');
    } finally {
      const again = this.checking.get(userId) === true;
      this.checking.delete(userId);
      if (again) this.request(userId);
    }
  }
}
