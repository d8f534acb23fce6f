import type { Bus } from '../events/bus.js';
import type { ProjectEvent } from '../events/event.js';
import type { Queryable } from '../store/db.js';
import { readProjectSeqs } from '../store/projects.js';
import type { Logger } from './logger.js';
import { noObserver, type RealtimeObserver } from './observer.js';
import { DispatchQueue } from './dispatch-queue.js';
import { ProjectChannel } from './project-channel.js';
import { WriteCoalescer } from './write-coalescer.js';

/**
 * Routes bus events to subscribers: a project nobody here follows costs one map lookup; inside a followed
 * project, an event touches only the subscribers of the few topic strings it concerns. Events are dispatched in
 * batches (`DispatchQueue`), and each batch's frames for one connection leave in one write (`writes`).
 */
export class Hub {
  /** Every connection's writes go through this, so that what one dispatch sends a socket leaves in one write. */
  readonly writes = new WriteCoalescer();
  private readonly channels = new Map<string, ProjectChannel>();
  private readonly queue = new DispatchQueue<ProjectEvent>(
    // One event writes one frame per socket anyway: corking would only hold the first sockets' frames back.
    (batch) => (batch.length > 1 ? this.writes.run(() => this.dispatch(batch)) : this.dispatch(batch)),
    (error) => this.logger.error({ err: String(error) }, 'realtime: dispatching events failed'),
  );
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReconnect: () => void;
  private readonly headCheck: NodeJS.Timeout | null;

  /** `headCheckIntervalMs`: how often followed projects' seq is compared with what was dispatched (0: never). */
  constructor(
    bus: Bus,
    private readonly db: Queryable,
    private readonly logger: Logger,
    headCheckIntervalMs = 0,
    private readonly observer: RealtimeObserver = noObserver,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      const channel = this.channels.get(event.projectId);
      if (channel === undefined) return;
      this.observer.busReceived(Date.now() - Date.parse(event.createdAt));
      this.queue.push(event);
    });
    // The bus was down (a Redis outage): other nodes' events of that time never came; read them now, not at the
    // next check or the project's next event.
    this.unsubscribeReconnect = bus.onReconnect(() => void this.checkHeads());
    this.headCheck = headCheckIntervalMs > 0 ? setInterval(() => void this.checkHeads(), headCheckIntervalMs) : null;
    this.headCheck?.unref();
  }

  /**
   * Bounds how late an event lost on the bus can be: a gap is otherwise found only when the project's next event
   * arrives, which for an idle project may be never.
   */
  async checkHeads(): Promise<void> {
    const ids = [...this.channels.keys()];
    if (ids.length === 0) return;
    try {
      for (const row of await readProjectSeqs(this.db, ids)) this.channels.get(row.id)?.catchUp(row.seq);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'realtime: checking project heads failed; will retry');
    }
  }

  private dispatch(batch: readonly ProjectEvent[]): void {
    // Looked up again: a channel may have closed (its last subscriber left) while the event waited.
    for (const event of batch) this.channels.get(event.projectId)?.offer(event);
  }

  /** The project's channel, created on first use; it removes itself when its last subscriber leaves. */
  channel(projectId: string): ProjectChannel {
    let channel = this.channels.get(projectId);
    if (channel === undefined) {
      channel = new ProjectChannel(
        projectId,
        this.db,
        this.logger,
        (c) => {
          if (this.channels.get(c.projectId) === c) this.channels.delete(c.projectId);
        },
        undefined,
        this.observer,
        this.writes,
      );
      this.channels.set(projectId, channel);
    }
    return channel;
  }

  /** The project's channel if this node follows the project; never creates one. */
  find(projectId: string): ProjectChannel | undefined {
    return this.channels.get(projectId);
  }

  /** The projects this node follows (has subscribers in). */
  projectIds(): IterableIterator<string> {
    return this.channels.keys();
  }

  get projectCount(): number {
    return this.channels.size;
  }

  close(): void {
    if (this.headCheck) clearInterval(this.headCheck);
    this.unsubscribe();
    this.unsubscribeReconnect();
    this.queue.close();
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}
