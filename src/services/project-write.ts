import { DeskwireError } from '../domain/errors.js';
import { defaultProjectSettings } from '../domain/project.js';
import type { Request } from '../domain/request.js';
import { recordHistoryChange } from '../store/history.js';
import type { ProjectEvent } from '../events/event.js';
import type { Queryable } from '../store/db.js';
import { OutboxWriter } from '../store/events.js';
import { defineProcedure, type Procedure } from '../store/procedure.js';
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
  const { result, events } = await deps.db.transaction((tx) => projectWriteIn(tx, projectId, fn));
  await publishCommitted(deps, events);
  return result;
}

/** What a project write's transaction gives back: its result and the events it appended to the outbox. */
export interface ProjectWriteOutcome<T> {
  result: T;
  events: ProjectEvent[];
}

/** A project write as a procedure (`store/procedure.ts`): on the worker-thread store, its whole transaction runs there. */
export type ProjectWriteProcedure<A, T> = Procedure<A & { projectId: string }, ProjectWriteOutcome<T>>;

/**
 * Defines a project write that `runProjectWrite` runs as one procedure. `fn` is `writeProject`'s body with its
 * arguments passed in (it may close over nothing: it may run in another thread), exported from `module` as `name`.
 */
export function defineProjectWrite<A, T>(module: string, name: string, fn: (w: ProjectWrite, args: A & { projectId: string }) => Promise<T>): ProjectWriteProcedure<A, T> {
  return defineProcedure(module, name, (tx, args) => projectWriteIn(tx, args.projectId, (w) => fn(w, args)));
}

/** `writeProject` for a write defined with `defineProjectWrite`. */
export async function runProjectWrite<A, T>(deps: ServiceDeps, write: ProjectWriteProcedure<A, T>, args: A & { projectId: string }): Promise<T> {
  const { result, events } = await deps.db.transact(write, args);
  await publishCommitted(deps, events);
  return result;
}

/** The transaction of a project write: lock the project, run `fn`, append its events. */
async function projectWriteIn<T>(tx: Queryable, projectId: string, fn: (w: ProjectWrite) => Promise<T>): Promise<ProjectWriteOutcome<T>> {
  const project = await lockProject(tx, projectId);
  if (!project) throw new DeskwireError('NOT_FOUND', 'No such project.');
  const outbox = new OutboxWriter(project);
  const result = await fn({ tx, outbox, project });
  await outbox.flush(tx);
  return { result, events: outbox.events };
}

/**
 * Hands committed events to the bus. A failure is reported, never thrown: the write has committed and the outbox
 * keeps its events for the nodes to catch up from.
 */
export async function publishCommitted(deps: ServiceDeps, events: readonly ProjectEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.bus.publish(events);
  } catch (error) {
    deps.onPublishError(error, events);
  }
}

/**
 * Keeps the interval history exact in the same transaction as the request write: `before` is the request as it was
 * (null when the write created it), `after` as the write left it.
 */
export async function recordHistory(w: ProjectWrite, before: Request | null, after: Request): Promise<void> {
  const slSeconds = w.project.settings.service_level_seconds ?? defaultProjectSettings.service_level_seconds;
  await recordHistoryChange(w.tx, w.project.id, before, after, slSeconds);
}
