import type { Bus } from '../events/bus.js';
import type { ProjectEvent } from '../events/event.js';
import { DeskwireError } from '../domain/errors.js';
import type { ProjectUser } from '../domain/project.js';
import type { Viewer } from '../domain/visibility.js';
import { viewerOf } from '../domain/viewer.js';
import type { Db, Queryable } from '../store/db.js';
import { getProjectUserByUser } from '../store/project-users.js';

export interface ServiceDeps {
  db: Db;
  bus: Bus;
  /** Called when committed events could not be handed to the bus; they stay in the outbox for gap filling. */
  onPublishError: (error: unknown, events: readonly ProjectEvent[]) => void;
}

/** The authenticated caller, as the token names them. */
export interface Actor {
  userId: string;
}

export interface Membership {
  projectUser: ProjectUser;
  viewer: Viewer;
}

/**
 * The caller's membership in a project. Non-members and disabled members get NOT_FOUND: a project they do not
 * belong to does not exist for them.
 */
export async function requireMembership(q: Queryable, projectId: string, actor: Actor): Promise<Membership> {
  const projectUser = await getProjectUserByUser(q, projectId, actor.userId);
  if (!projectUser || projectUser.status !== 'active') throw new DeskwireError('NOT_FOUND', 'No such project.');
  return { projectUser, viewer: viewerOf(projectUser) };
}
