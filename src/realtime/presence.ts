export type PresenceStatus = 'online' | 'offline';

/** Where presence changes go: the services write them, with their project-user events. */
export interface PresenceSink {
  setPresence(userId: string, status: PresenceStatus): Promise<void>;
}

/**
 * Presence from Realtime connections on this node: a user is online while they hold at least one connection, and
 * offline `graceMs` after their last one closes, so a page reload or a quick reconnect does not flap.
 */
export class PresenceTracker {
  private readonly connections = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly sink: PresenceSink,
    private readonly graceMs: number,
    private readonly onError: (error: unknown, userId: string) => void,
  ) {}

  connected(userId: string): void {
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    const pending = this.leaving.get(userId);
    if (pending) {
      // Back within the grace period: they never went offline.
      clearTimeout(pending);
      this.leaving.delete(userId);
    } else if (count === 1) {
      this.write(userId, 'online');
    }
  }

  disconnected(userId: string): void {
    const count = (this.connections.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.connections.set(userId, count);
      return;
    }
    this.connections.delete(userId);
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.write(userId, 'offline');
    }, this.graceMs);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  /** Stops pending changes; presence in the store is left as it is for whichever node the clients move to. */
  close(): void {
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    this.connections.clear();
  }

  private write(userId: string, status: PresenceStatus): void {
    this.sink.setPresence(userId, status).catch((error: unknown) => this.onError(error, userId));
  }
}
