import { DeskwireError } from '../domain/errors.js';
import { isMember, isSupervising, memberRoles } from '../domain/roles.js';
import type { Topic } from '../domain/topics.js';
import { canSeeRequest, type RequestScope, type Viewer } from '../domain/visibility.js';
import type { ProjectEvent } from '../events/event.js';
import { readProjectMetrics } from '../metrics/project-metrics.js';
import { viewerOf } from '../services/context.js';
import type { Db, Queryable } from '../store/db.js';
import { readEventRange } from '../store/events.js';
import { listMessages } from '../store/messages.js';
import { getProjectUser, getProjectUserByUser, listProjectUsers } from '../store/project-users.js';
import { findProject, type ProjectRow } from '../store/projects.js';
import { getRequest, listRequests, scopeOf } from '../store/requests.js';
import { touches } from './topic-rules.js';

/** A resume further back than this many events gets a fresh snapshot instead: it is cheaper and as correct. */
export const REPLAY_MAX_EVENTS = 10_000;

export interface LoadOptions {
  since: number | undefined;
  epoch: string | undefined;
  requestsLimit: number;
  messagesLimit: number;
}

interface Target {
  scope: RequestScope | null;
  targetUserId: string | null;
  /** The snapshot body, unshaped (see `shapeSnapshot`); null when replaying. */
  message: unknown;
}

export type Loaded = {
  /** The project's seq the result is consistent with. */
  seq: number;
  epoch: string;
  /** The viewer as of `seq`. */
  viewer: Viewer;
  scope: RequestScope | null;
  targetUserId: string | null;
} & ({ kind: 'snapshot'; message: unknown; reset: boolean } | { kind: 'replay'; events: ProjectEvent[] });

const forbidden = (message?: string) => new DeskwireError('SUBSCRIBE_FORBIDDEN', message);

/**
 * Authorizes a subscription and reads its snapshot, or the events since `since`, together with the project's
 * seq in one repeatable-read transaction: what is read is exactly the state as of that seq (PROTOCOL §5).
 * Anything absent or invisible is SUBSCRIBE_FORBIDDEN alike, so the answer is no existence oracle.
 */
export async function loadTopic(db: Db, topic: string, parsed: Topic, userId: string, opts: LoadOptions): Promise<Loaded> {
  return db.transaction(async (tx) => {
    // Must be the first statement: the snapshot of the transaction is taken at the first query after it.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const project = await findProject(tx, parsed.projectId);
    if (project === null) throw forbidden();
    const pu = await getProjectUserByUser(tx, project.id, userId);
    const viewer = pu && viewerOf(pu);
    if (viewer === null || !viewer.active || !isMember(viewer.role)) throw forbidden();
    const seq = Number(project.seq);
    // Metrics are a current object, not a history: a resume gets a fresh one.
    const replay = parsed.kind !== 'metrics' && canReplay(project, opts);
    const target = await readTarget(tx, parsed, viewer, opts, !replay);
    const base = { seq, epoch: project.epoch, viewer, scope: target.scope, targetUserId: target.targetUserId };
    if (replay) {
      const events = (await readEventRange(tx, project.id, opts.since!, seq)).filter((e) => touches(e, topic));
      return { ...base, kind: 'replay', events };
    }
    return { ...base, kind: 'snapshot', message: target.message, reset: opts.since !== undefined };
  });
}

/** A replay is exact only within the same history, above what was pruned, and not from the future. */
function canReplay(project: ProjectRow, opts: LoadOptions): boolean {
  if (opts.since === undefined) return false;
  if (opts.epoch !== undefined && opts.epoch !== project.epoch) return false;
  const seq = Number(project.seq);
  return opts.since >= Number(project.pruned_through) && opts.since <= seq && seq - opts.since <= REPLAY_MAX_EVENTS;
}

async function readTarget(tx: Queryable, t: Topic, viewer: Viewer, opts: LoadOptions, withBody: boolean): Promise<Target> {
  const none = { scope: null, targetUserId: null };
  switch (t.kind) {
    case 'requests': {
      if (!withBody) return { ...none, message: null };
      const agent = isSupervising(viewer.role) ? undefined : { userId: viewer.userId, departmentIds: viewer.departmentIds };
      const message = await listRequests(tx, {
        projectId: t.projectId,
        statuses: null,
        openForRealtime: true,
        agent,
        limit: opts.requestsLimit,
        offset: 0,
      });
      return { ...none, message };
    }
    case 'request':
    case 'messages': {
      const request = await getRequest(tx, t.projectId, t.requestId);
      if (request === null || !canSeeRequest(viewer, scopeOf(request))) throw forbidden();
      const scope = scopeOf(request);
      if (!withBody) return { ...none, scope, message: null };
      const message = t.kind === 'request' ? request : await listMessages(tx, t.projectId, t.requestId, opts.messagesLimit);
      return { ...none, scope, message };
    }
    case 'project_user': {
      const pu = await getProjectUser(tx, t.projectId, t.projectUserId);
      if (pu === null || !(isSupervising(viewer.role) || pu.uuid_user === viewer.userId)) throw forbidden();
      return { ...none, targetUserId: pu.uuid_user, message: pu };
    }
    case 'project_user_by_user': {
      const pu = await getProjectUserByUser(tx, t.projectId, t.userId);
      if (pu === null) throw forbidden();
      return { ...none, targetUserId: pu.uuid_user, message: pu };
    }
    case 'project_users': {
      if (!isSupervising(viewer.role)) throw forbidden();
      return { ...none, message: withBody ? await listProjectUsers(tx, t.projectId, memberRoles) : null };
    }
    case 'metrics': {
      if (!isSupervising(viewer.role)) throw forbidden();
      // Read in this transaction, so the metrics describe exactly the snapshot's seq.
      const read = await readProjectMetrics(tx, t.projectId);
      if (read === null) throw forbidden();
      return { ...none, message: read.metrics };
    }
  }
}
