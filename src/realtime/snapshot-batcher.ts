import { DeskwireError } from '../domain/errors.js';
import type { Topic } from '../domain/topics.js';
import type { Db } from '../store/db.js';
import { isStoreUnavailable } from '../store/store-errors.js';
import { loadTopics, type Loaded, type LoadOptions, type LoadRequest } from './snapshot.js';

/** Reads a subscription's snapshot or replay (see `loadTopic`). */
export interface SnapshotLoader {
  load(topic: string, parsed: Topic, userId: string, opts: LoadOptions): Promise<Loaded>;
}

/** Loads one transaction serves at most; a storm beyond it is served by consecutive batches. */
export const SNAPSHOT_BATCH_MAX = 500;

interface Pending {
  request: LoadRequest;
  resolve: (loaded: Loaded) => void;
  reject: (error: unknown) => void;
}

interface ProjectQueue {
  waiting: Pending[];
  running: boolean;
}

/**
 * Loads of one project that wait at the same time share one repeatable-read transaction (`loadTopics`): after a
 * deploy, 2,000 reconnecting subscribers of a project cost a few batches instead of 2,000 transactions. A load
 * with no batch running starts one on the same turn of the event loop (setImmediate, no timer: a lone subscribe
 * waits for nothing); loads arriving while a batch is read wait for the next, which takes everything waiting (up
 * to `maxBatch`) when its transaction starts. Each load is registered in the hub before it is queued, so it is
 * registered before the batch's snapshot is taken (PROTOCOL §5).
 */
export class SnapshotBatcher implements SnapshotLoader {
  private readonly queues = new Map<string, ProjectQueue>();

  constructor(
    private readonly db: Db,
    private readonly maxBatch = SNAPSHOT_BATCH_MAX,
  ) {}

  load(topic: string, parsed: Topic, userId: string, opts: LoadOptions): Promise<Loaded> {
    let queue = this.queues.get(parsed.projectId);
    if (queue === undefined) this.queues.set(parsed.projectId, (queue = { waiting: [], running: false }));
    const loaded = new Promise<Loaded>((resolve, reject) => queue.waiting.push({ request: { topic, parsed, userId, opts }, resolve, reject }));
    if (!queue.running) void this.drain(parsed.projectId, queue);
    return loaded;
  }

  /** Loads of the project waiting for a batch (for monitoring and tests). */
  waiting(projectId: string): number {
    return this.queues.get(projectId)?.waiting.length ?? 0;
  }

  private async drain(projectId: string, queue: ProjectQueue): Promise<void> {
    queue.running = true;
    while (queue.waiting.length > 0) {
      // Not a timer: the batch starts when this turn of the event loop ends, so the subscribe frames read from
      // other sockets in the same I/O poll join it. PGlite reads a whole batch without yielding to I/O, so
      // without this nothing could ever arrive while a batch is read and every batch would be of one.
      await new Promise((resolve) => setImmediate(resolve));
      await this.runBatch(projectId, queue);
    }
    queue.running = false;
    this.queues.delete(projectId);
  }

  private async runBatch(projectId: string, queue: ProjectQueue): Promise<void> {
    let batch: Pending[] | null = null;
    const take = () => (batch = queue.waiting.splice(0, this.maxBatch));
    try {
      const outcomes = await loadTopics(this.db, projectId, () => take().map((p) => p.request));
      batch!.forEach((p, i) => {
        const outcome = outcomes[i]!;
        if (outcome instanceof DeskwireError) p.reject(outcome);
        else p.resolve(outcome);
      });
    } catch (error) {
      // The transaction may have failed before taking its loads (no connection): they fail with it, or the
      // loop would retry them at once against a store that is down.
      const failed: Pending[] = batch ?? take();
      const reason = batchFailure(error, projectId, failed.length);
      for (const p of failed) p.reject(reason);
    }
  }
}

/** Every load of a failed batch gets the same error: retryable STORE_UNAVAILABLE when the store is unreachable. */
function batchFailure(error: unknown, projectId: string, loads: number): Error {
  const what = `Reading ${loads} snapshot(s) of project ${projectId} failed`;
  if (isStoreUnavailable(error)) return new DeskwireError('STORE_UNAVAILABLE', `${what}: the store is unreachable; subscribe again shortly.`, {}, { cause: error });
  return new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

const shared = new WeakMap<Db, SnapshotBatcher>();

/** The batcher of a store: every connection using the same `Db` shares its batches. */
export function snapshotBatcherFor(db: Db): SnapshotBatcher {
  let batcher = shared.get(db);
  if (batcher === undefined) shared.set(db, (batcher = new SnapshotBatcher(db)));
  return batcher;
}
