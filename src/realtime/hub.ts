import type { Bus } from '../events/bus.js';
import type { Queryable } from '../store/db.js';
import type { Logger } from './logger.js';
import { ProjectChannel } from './project-channel.js';

/**
 * Routes bus events to subscribers: a project nobody here follows costs one map lookup; inside a followed
 * project, an event touches only the subscribers of the few topic strings it concerns.
 */
export class Hub {
  private readonly channels = new Map<string, ProjectChannel>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: Bus,
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe((event) => this.channels.get(event.projectId)?.offer(event));
  }

  /** The project's channel, created on first use; it removes itself when its last subscriber leaves. */
  channel(projectId: string): ProjectChannel {
    let channel = this.channels.get(projectId);
    if (channel === undefined) {
      channel = new ProjectChannel(projectId, this.db, this.logger, (c) => {
        if (this.channels.get(c.projectId) === c) this.channels.delete(c.projectId);
      });
      this.channels.set(projectId, channel);
    }
    return channel;
  }

  get projectCount(): number {
    return this.channels.size;
  }

  close(): void {
    this.unsubscribe();
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}
