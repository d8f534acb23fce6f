import { DeskwireError } from '../domain/errors.js';
import type { Request } from '../domain/request.js';
import { RequestStatus } from '../domain/request.js';
import { isMember, isSupervising } from '../domain/roles.js';
import { canSeeRequest, type Viewer } from '../domain/visibility.js';
import type { Queryable } from '../store/db.js';
import { adjustAssignedCount, getProjectUserByUser } from '../store/project-users.js';
import { lockRequestForWriter, type RequestWriter } from '../store/request-writes.js';
import { scopeOf } from '../domain/request-scope.js';
import { countRequests, getRequest, listRequests, lockRequest, updateRequest, type RequestPatch, type RequestQuery } from '../store/requests.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitProjectUsersOf, emitRequest } from './emit.js';
import { routeWaitingTo } from './waiting-routing.js';
import { defineProjectWrite, recordHistory, runProjectWrite } from './project-write.js';

export interface RequestPage {
  perPage: number;
  count: number;
  requests: Request[];
}

/** A request the caller may see, or NOT_FOUND: invisible and absent look the same. */
export async function visibleRequest(q: Queryable, projectId: string, requestId: string, m: { viewer: Viewer }, lock = false): Promise<Request> {
  const request = lock ? await lockRequest(q, projectId, requestId) : await getRequest(q, projectId, requestId);
  return seenBy(request, m.viewer);
}

/** The request, or NOT_FOUND when it is absent or the viewer may not see it. */
export function seenBy(request: Request | null, viewer: Viewer): Request {
  if (!request || !canSeeRequest(viewer, scopeOf(request))) throw new DeskwireError('NOT_FOUND', 'No such request.');
  return request;
}

/**
 * Inside a project write: the caller, who must be an active project user (else NOT_FOUND, as `requireMembership`),
 * with the request's row locked when it exists. One statement for both.
 */
export async function lockForWrite(tx: Queryable, projectId: string, requestId: string, actor: Actor): Promise<RequestWriter> {
  const writer = await lockRequestForWriter(tx, projectId, requestId, actor.userId);
  if (!writer || !writer.viewer.active) throw new DeskwireError('NOT_FOUND', 'No such project.');
  return writer;
}

/**
 * A change of subject, priority or tags. None of them changes who sees the request, so the change is applied first
 * and the checks run on the request the update returns (a refusal rolls it back): the same answers, in the same
 * order, as `changeRequest`, with no separate read of the request. A procedure: the hottest write runs in one
 * message on the worker-thread store.
 */
export const patchRequest = defineProjectWrite(
  import.meta.url,
  'patchRequest',
  async ({ tx, outbox }, a: { actor: Actor; projectId: string; requestId: string; patch: Pick<RequestPatch, 'subject' | 'priority' | 'tags'> }) => {
    const { viewer, requestExists } = await lockForWrite(tx, a.projectId, a.requestId, a.actor);
    if (!requestExists) throw new DeskwireError('NOT_FOUND', 'No such request.');
    const member = isMember(viewer.role);
    // A visitor is refused either way (NOT_FOUND or FORBIDDEN): no need to write first.
    const after = seenBy(member ? await updateRequest(tx, a.projectId, a.requestId, a.patch) : await getRequest(tx, a.projectId, a.requestId), viewer);
    if (!member) throw new DeskwireError('FORBIDDEN');
    emitRequest(outbox, after, 'UPDATE', scopeOf(after));
    return after;
  },
);

export class RequestsService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Newest first, filtered by the visibility rule in SQL so counts and pages are right. */
  async list(actor: Actor, projectId: string, opts: { page: number; limit: number; statuses: number[] | null }): Promise<RequestPage> {
    const m = await requireMembership(this.deps.db, projectId, actor);
    const query: RequestQuery = { projectId, statuses: opts.statuses, limit: opts.limit, offset: opts.page * opts.limit };
    if (m.viewer.role === 'agent') query.agent = { userId: actor.userId, departmentIds: m.viewer.departmentIds };
    else if (!isSupervising(m.viewer.role)) query.requesterUserId = actor.userId;
    const [requests, count] = await Promise.all([listRequests(this.deps.db, query), countRequests(this.deps.db, query)]);
    return { perPage: opts.limit, count, requests };
  }

  async get(actor: Actor, projectId: string, requestId: string): Promise<Request> {
    const m = await requireMembership(this.deps.db, projectId, actor);
    return visibleRequest(this.deps.db, projectId, requestId, m);
  }

  /** Members who see the request may change its subject, priority and tags (`patchRequest`). */
  async patch(actor: Actor, projectId: string, requestId: string, patch: Pick<RequestPatch, 'subject' | 'priority' | 'tags'>): Promise<Request> {
    return runProjectWrite(this.deps, patchRequest, { actor, projectId, requestId, patch });
  }

  /** Closes the request; its agents' loads go down. The visitor who started it may close it too. */
  async close(actor: Actor, projectId: string, requestId: string): Promise<Request> {
    return this.change(actor, projectId, requestId, { op: 'close' });
  }

  async reopen(actor: Actor, projectId: string, requestId: string): Promise<Request> {
    return this.change(actor, projectId, requestId, { op: 'reopen' });
  }

  /**
   * The visitor who started the request rates it (Tiledesk's `rating`, 1–5, and `rating_message`), open or closed,
   * as often as they like: the last rating counts, in the history of the interval the request arrived in.
   */
  async rate(actor: Actor, projectId: string, requestId: string, rating: { value: number; message: string | null }): Promise<Request> {
    return this.change(actor, projectId, requestId, { op: 'rate', rating });
  }

  /** Join (an agent adds themself) or assign (a supervisor adds anyone on the desk). */
  async addParticipant(actor: Actor, projectId: string, requestId: string, userId: string): Promise<Request> {
    return this.change(actor, projectId, requestId, { op: 'add', userId });
  }

  /** Leave (an agent removes themself) or unassign (a supervisor); with no agent left it goes back to the pool. */
  async removeParticipant(actor: Actor, projectId: string, requestId: string, userId: string): Promise<Request> {
    return this.change(actor, projectId, requestId, { op: 'remove', userId });
  }

  private change(actor: Actor, projectId: string, requestId: string, change: RequestChange): Promise<Request> {
    return runProjectWrite(this.deps, changeRequest, { actor, projectId, requestId, change });
  }
}

/** A change of a request's state or people, as data: what `changeRequest` applies. */
export type RequestChange =
  | { op: 'close' }
  | { op: 'reopen' }
  | { op: 'rate'; rating: { value: number; message: string | null } }
  | { op: 'add'; userId: string }
  | { op: 'remove'; userId: string };

/** Who may make each change: members who see the request, and (`requester`) the visitor who started it. */
const whoMay: Record<RequestChange['op'], { members: boolean; requester?: boolean; requesterOnly?: boolean }> = {
  close: { members: true, requester: true },
  reopen: { members: true },
  rate: { members: false, requester: true, requesterOnly: true },
  add: { members: true },
  remove: { members: true },
};

/** What a change did: the request after it, the agents whose load changed, and those whose slots it freed. */
type Applied = { after: Request; loadChanged: string[]; freed?: string[] } | null;

/**
 * The shape of every request change: lock, check who may do it, apply, then append the request's event (with
 * its visibility before and after) and UPDATE events for agents whose load changed. A procedure, so it runs whole
 * in the worker-thread store.
 */
export const changeRequest = defineProjectWrite(
  import.meta.url,
  'changeRequest',
  async (w, a: { actor: Actor; projectId: string; requestId: string; change: RequestChange }): Promise<Request> => {
    const { tx, outbox } = w;
    const { actor, projectId, requestId, change } = a;
    const who = whoMay[change.op];
    const m = await lockForWrite(tx, projectId, requestId, actor);
    const r = seenBy(m.requestExists ? await getRequest(tx, projectId, requestId) : null, m.viewer);
    const allowed = (who.members && isMember(m.viewer.role)) || (who.requester === true && r.lead?.lead_id === actor.userId);
    if (!allowed) throw new DeskwireError('FORBIDDEN', who.requesterOnly ? 'Only the visitor who started the request rates it.' : undefined);
    const applied = await applyChange(tx, projectId, r, m.viewer, actor, change);
    if (applied === null) return r;
    await recordHistory(w, r, applied.after);
    emitRequest(outbox, applied.after, 'UPDATE', scopeOf(r));
    await emitProjectUsersOf(tx, outbox, projectId, applied.loadChanged);
    if (applied.freed) await routeWaitingTo(w, applied.freed);
    return applied.after;
  },
);

/** Applies the change to the locked request `r`; null when it changes nothing. */
async function applyChange(tx: Queryable, projectId: string, r: Request, viewer: Viewer, actor: Actor, change: RequestChange): Promise<Applied> {
  switch (change.op) {
    case 'close': {
      if (r.status === RequestStatus.CLOSED) return null;
      const after = await updateRequest(tx, projectId, r.request_id, { status: RequestStatus.CLOSED, close: { by: actor.userId } });
      await adjustAssignedCount(tx, projectId, r.participantsAgents, -1);
      // Their freed slots go to the requests waiting in their assigned departments.
      return { after: after!, loadChanged: r.participantsAgents, freed: r.participantsAgents };
    }
    case 'reopen': {
      if (r.status !== RequestStatus.CLOSED) return null;
      const status = r.participantsAgents.length > 0 ? RequestStatus.ASSIGNED : RequestStatus.UNSERVED;
      const after = await updateRequest(tx, projectId, r.request_id, { status, reopen: { by: actor.userId } });
      await adjustAssignedCount(tx, projectId, r.participantsAgents, +1);
      return { after: after!, loadChanged: r.participantsAgents };
    }
    case 'rate': {
      const { rating } = change;
      if (r.rating === rating.value && r.rating_message === rating.message) return null;
      const after = await updateRequest(tx, projectId, r.request_id, { rating });
      return { after: after!, loadChanged: [] };
    }
    case 'add': {
      const { userId } = change;
      if (userId !== actor.userId && !isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Agents can only add themselves.');
      const target = await getProjectUserByUser(tx, projectId, userId);
      if (!target || !isMember(target.role) || target.status !== 'active') throw new DeskwireError('BODY_INVALID', 'The member is not an active agent of this project.');
      if (r.status === RequestStatus.CLOSED) throw new DeskwireError('CONFLICT', 'The request is closed.');
      if (r.participantsAgents.includes(userId)) return null;
      const after = await updateRequest(tx, projectId, r.request_id, {
        agents: [...r.participantsAgents, userId],
        status: RequestStatus.ASSIGNED,
        assignedAtNow: true,
      });
      await adjustAssignedCount(tx, projectId, [userId], +1);
      return { after: after!, loadChanged: [userId] };
    }
    case 'remove': {
      const { userId } = change;
      if (userId !== actor.userId && !isSupervising(viewer.role)) throw new DeskwireError('FORBIDDEN', 'Agents can only remove themselves.');
      if (!r.participantsAgents.includes(userId)) throw new DeskwireError('NOT_FOUND', 'Not a participant.');
      const agents = r.participantsAgents.filter((a) => a !== userId);
      const open = r.status !== RequestStatus.CLOSED;
      const after = await updateRequest(tx, projectId, r.request_id, {
        agents,
        ...(open && agents.length === 0 ? { status: RequestStatus.UNSERVED } : {}),
      });
      if (open) await adjustAssignedCount(tx, projectId, [userId], -1);
      return { after: after!, loadChanged: [userId] };
    }
  }
}
