import type { Bus } from '../events/bus.js';
import { computeProjectMetrics, type MetricsRead, type ProjectMetrics } from '../metrics/project-metrics.js';
import { encodeServerFrame } from '../protocol/codec.js';
import type { Db } from '../store/db.js';
import type { Hub } from './hub.js';
import type { Logger } from './logger.js';
import type { Subscription } from './subscription.js';
import { allowed } from './topic-rules.js';

export interface MetricsPublisherOptions {
  /** At most one UPDATE per project per interval (PROTOCOL §3: once per second). */
  pushIntervalMs: number;
  /** Waits grow and windows roll without events: followed projects are recomputed this often, sent only if changed. */
  refreshIntervalMs: number;
  /**
   * Told of each computation (alerts are evaluated here, docs/metrics.md "Alerts"). A rejection is retried next
   * interval like a failed computation.
   */
  onComputed?: (projectId: string, read: MetricsRead) => Promise<void>;
}

interface ProjectState {
  /** Something happened since the last computation started. */
  dirty: boolean;
  running: boolean;
  timer: NodeJS.Timeout | null;
  lastRunAt: number;
  lastSentAt: number;
  /** The last sent object without its seq and time, to skip UPDATEs that would say nothing new. */
  lastKey: string | null;
}

export const metricsTopic = (projectId: string): string => `/${projectId}/metrics`;
export const alertsTopic = (projectId: string): string => `/${projectId}/alerts`;

/**
 * Pushes `/P/metrics` UPDATEs, and has alerts evaluated (`onComputed`) for projects followed on `/P/metrics` or
 * `/P/alerts` here. Every event of a project with metrics subscribers on this node marks it dirty; a
 * dirty project is recomputed from the store at most once per interval (the first change after a quiet spell at
 * once), and the result is serialized once and written to every subscriber. Each node computes for its own
 * subscribers from the shared store, so any node gives the same answer.
 */
export class MetricsPublisher {
  private readonly projects = new Map<string, ProjectState>();
  private readonly unsubscribe: () => void;
  private readonly refresh: NodeJS.Timeout;
  private closed = false;

  constructor(
    bus: Bus,
    private readonly db: Db,
    private readonly hub: Hub,
    private readonly logger: Logger,
    private readonly options: MetricsPublisherOptions,
  ) {
    this.unsubscribe = bus.subscribe((event) => this.touch(event.projectId));
    this.refresh = setInterval(() => this.refreshAll(), options.refreshIntervalMs);
    this.refresh.unref();
  }

  /** A change in the project: recompute soon if anyone here follows its metrics or alerts. Cheap when nobody does. */
  touch(projectId: string): void {
    if (this.closed || !this.followed(projectId)) return;
    let st = this.projects.get(projectId);
    if (st === undefined) {
      st = { dirty: false, running: false, timer: null, lastRunAt: 0, lastSentAt: 0, lastKey: null };
      this.projects.set(projectId, st);
    }
    st.dirty = true;
    this.schedule(projectId, st);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.refresh);
    for (const st of this.projects.values()) if (st.timer) clearTimeout(st.timer);
    this.projects.clear();
  }

  private subscribers(projectId: string): ReadonlySet<Subscription> | undefined {
    const subs = this.hub.find(projectId)?.subscribersOf(metricsTopic(projectId));
    return subs !== undefined && subs.size > 0 ? subs : undefined;
  }

  /** Someone here holds the project's metrics, or its alerts when alerts are evaluated here. */
  private followed(projectId: string): boolean {
    if (this.subscribers(projectId) !== undefined) return true;
    if (this.options.onComputed === undefined) return false;
    const alerts = this.hub.find(projectId)?.subscribersOf(alertsTopic(projectId));
    return alerts !== undefined && alerts.size > 0;
  }

  private refreshAll(): void {
    for (const projectId of this.hub.projectIds()) this.touch(projectId);
    for (const [projectId, st] of this.projects) {
      if (!st.running && st.timer === null && !this.followed(projectId)) this.projects.delete(projectId);
    }
  }

  private schedule(projectId: string, st: ProjectState): void {
    if (st.running || st.timer !== null || this.closed) return;
    // Measured from the later of the last computation's start and the last send, so sends are an interval apart.
    const delay = Math.max(0, Math.max(st.lastRunAt, st.lastSentAt) + this.options.pushIntervalMs - Date.now());
    st.timer = setTimeout(() => void this.run(projectId, st), delay);
  }

  private async run(projectId: string, st: ProjectState): Promise<void> {
    st.timer = null;
    if (this.closed || !st.dirty) return;
    if (!this.followed(projectId)) {
      this.projects.delete(projectId);
      return;
    }
    st.dirty = false;
    st.running = true;
    st.lastRunAt = Date.now();
    try {
      const read = await computeProjectMetrics(this.db, projectId);
      if (read !== null && !this.closed) {
        this.publish(projectId, st, read.metrics);
        if (this.options.onComputed) await this.options.onComputed(projectId, read);
      }
    } catch (error) {
      // Closing: the store may already be gone, and nobody is left to tell.
      if (this.closed) return;
      // The store may be briefly away: try again next interval rather than drop the change.
      st.dirty = true;
      this.logger.warn({ projectId, err: String(error) }, 'realtime: computing live metrics failed; will retry');
    } finally {
      st.running = false;
      if (st.dirty && this.projects.get(projectId) === st) this.schedule(projectId, st);
    }
  }

  private publish(projectId: string, st: ProjectState, metrics: ProjectMetrics): void {
    const key = JSON.stringify({ ...metrics, seq: 0, computed_at: '' });
    if (key === st.lastKey) return;
    const subs = this.subscribers(projectId);
    if (subs === undefined) return;
    const topic = metricsTopic(projectId);
    const frame = Buffer.from(
      encodeServerFrame({ action: 'publish', payload: { topic, method: 'UPDATE', message: metrics, seq: metrics.seq, epoch: metrics.epoch } }),
    );
    for (const sub of subs) {
      // Loading subscriptions get their snapshot soon; one whose snapshot is newer than this result skips it.
      if (sub.state !== 'live' || sub.lastSeq > metrics.seq || !allowed(sub, sub.member?.viewer ?? null)) continue;
      sub.lastSeq = metrics.seq;
      sub.subscriber.send(frame);
    }
    st.lastKey = key;
    st.lastSentAt = Date.now();
  }
}
