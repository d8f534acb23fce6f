import { DeskwireError } from '../domain/errors.js';
import type { Queryable } from '../store/db.js';
import { OutboxWriter } from '../store/events.js';
import { lockProject, type ProjectRow } from '../store/projects.js';
import type { ServiceDeps } from './context.js';

export interface ProjectWrite {
  tx: Queryable;
  outbox: OutboxWriter;
  project: ProjectRow;
}

/**
 * One write to a project: one transaction that starts by locking the project row (so every write of a project is
 * serialized and its events are numbered in commit order), appends its events to the outbox, and hands them to
 * the bus after commit.
 */
export async function writeProject<T>(deps: ServiceDeps, projectId: string, fn: (w: ProjectWrite) => Promise<T>): Promise<T> {
  const { result, events } = await deps.db.transaction(async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const outbox = new OutboxWriter(project);
    const result = await fn({ tx, outbox, project });
    await outbox.flush(tx);
    return { result, events: outbox.events };
  });
  if (events.length > 0) {
    try {
      await deps.bus.publish(events);
    } catch (error) {
      deps.onPublishError(error, events);
    }
  }
  return result;
}
