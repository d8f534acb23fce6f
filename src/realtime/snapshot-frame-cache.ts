import { isSupervising } from '../domain/roles.js';
import type { Topic } from '../domain/topics.js';
import type { Viewer } from '../domain/visibility.js';
import type { Db } from '../store/db.js';

/** Frames kept at most, over all projects: a few hundred KB to a few MB of encoded lists. */
export const SNAPSHOT_FRAME_CACHE_MAX = 2_000;
/**
 * How long a frame is reused at most even while its project's seq stands still. Every change a client can learn
 * of moves the seq; a few writes do not (a department or user renamed: the names requests carry), and this bounds
 * how long a new subscriber may get the name as of the cached read rather than as of its own.
 */
export const SNAPSHOT_FRAME_MAX_AGE_MS = 1_000;

/**
 * What the body of a snapshot frame depends on besides its topic and seq, or null when the frame must not be
 * shared across reads. A frame is shared only between viewers that `shapeSnapshot` would give the same body:
 * the supervising roles' `/requests` list (the whole list, unfiltered); the topics whose body is the same for
 * every viewer allowed to subscribe (the authorization runs on every load, before a frame is looked up); any other
 * topic per viewer. Metrics are computed at the read's clock time, so never shared.
 */
export function snapshotViewKey(kind: Topic['kind'], viewer: Viewer): string | null {
  switch (kind) {
    case 'metrics':
      return null;
    case 'request':
    case 'messages':
    case 'events':
    case 'bots':
      return 'any';
    case 'requests':
      if (isSupervising(viewer.role)) return 'supervising';
      return perViewer(viewer);
    default:
      return perViewer(viewer);
  }
}

const perViewer = (viewer: Viewer) => `user|${viewer.role}|${viewer.userId}|${viewer.departmentIds.join(',')}`;

interface ProjectFrames {
  seq: number;
  epoch: string;
  frames: Map<string, { frame: Buffer; storedAt: number }>;
}

/**
 * Encoded snapshot frames shared ACROSS batches while a project's seq has not moved: after the first batch of a
 * storm encodes the supervisors' list at seq S, every later batch that reads at S sends the same bytes instead of
 * serializing the list again. A project's frames are dropped as soon as a read at a later seq (or another epoch)
 * comes in, so a frame is never served for a seq other than the one its read was taken at; a read at an older seq
 * than the cached one (a slow batch) is neither served nor stored. Bounded: beyond `maxFrames`, the projects
 * cached longest ago are dropped whole.
 */
export class SnapshotFrameCache {
  private readonly projects = new Map<string, ProjectFrames>();
  private size = 0;

  constructor(
    private readonly maxFrames = SNAPSHOT_FRAME_CACHE_MAX,
    private readonly maxAgeMs = SNAPSHOT_FRAME_MAX_AGE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The frame for `key` as of exactly this seq and epoch, encoding (and keeping) it on a miss. */
  frame(projectId: string, seq: number, epoch: string, key: string, encode: () => Buffer): Buffer {
    const project = this.current(projectId, seq, epoch);
    if (project === null) return encode();
    const now = this.now();
    const hit = project.frames.get(key);
    if (hit !== undefined && now - hit.storedAt <= this.maxAgeMs) return hit.frame;
    const frame = encode();
    if (hit === undefined) this.size += 1;
    project.frames.set(key, { frame, storedAt: now });
    this.evict(projectId);
    return frame;
  }

  /** Frames held (for tests and monitoring). */
  get frames(): number {
    return this.size;
  }

  /** The project's frames valid at this seq and epoch; null when the read is older than what is cached. */
  private current(projectId: string, seq: number, epoch: string): ProjectFrames | null {
    const cached = this.projects.get(projectId);
    if (cached !== undefined && cached.epoch === epoch && cached.seq === seq) return cached;
    if (cached !== undefined && cached.epoch === epoch && cached.seq > seq) return null;
    if (cached !== undefined) this.drop(projectId, cached);
    const fresh: ProjectFrames = { seq, epoch, frames: new Map() };
    this.projects.set(projectId, fresh);
    return fresh;
  }

  private evict(keep: string): void {
    for (const [projectId, project] of this.projects) {
      if (this.size <= this.maxFrames) return;
      if (projectId !== keep) this.drop(projectId, project);
    }
    // One project alone over the bound: its oldest frames go.
    const own = this.projects.get(keep);
    for (const key of own?.frames.keys() ?? []) {
      if (this.size <= this.maxFrames) return;
      own!.frames.delete(key);
      this.size -= 1;
    }
  }

  private drop(projectId: string, project: ProjectFrames): void {
    this.size -= project.frames.size;
    this.projects.delete(projectId);
  }
}

const shared = new WeakMap<Db, SnapshotFrameCache>();

/** The frame cache of a store: like its snapshot batcher, shared by every connection using the same `Db`. */
export function snapshotFrameCacheFor(db: Db): SnapshotFrameCache {
  let cache = shared.get(db);
  if (cache === undefined) shared.set(db, (cache = new SnapshotFrameCache()));
  return cache;
}
