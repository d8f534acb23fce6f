/**
 * Who may hold which topic and what each subscriber receives of each event (PROTOCOL §3). The same visibility
 * rule as REST (`canSeeRequest`) decides snapshots, live events and replays; everything here is synchronous and
 * allocation-light because `decide` runs per event per subscriber.
 */
import type { ProjectUser } from '../domain/project.js';
import type { Request } from '../domain/request.js';
import { isMember, isRole, isSupervising } from '../domain/roles.js';
import { canSeeContact, type ContactScope } from '../domain/contact-visibility.js';
import type { Topic } from '../domain/topics.js';
import { canSeePrivateFields, canSeeRequest, type RequestScope, type Viewer } from '../domain/visibility.js';
import type { ProjectEvent, ProjectUserEvent } from '../events/event.js';
import type { PublishMethod } from '../protocol/frames.js';
import { viewerOf } from '../domain/viewer.js';
import { publicView } from '../domain/project-user-view.js';
import { scopeOf } from '../domain/request-scope.js';
import { isPublishedOnRequestsTopic } from '../domain/listing.js';

/**
 * `full` is the entity as stored in the event, `public` without private fields, `tombstone` ids only, `removal`
 * Tiledesk's way of taking a request off a list: its ids and `status: 1000`, nothing else.
 */
export type Body = 'full' | 'public' | 'tombstone' | 'removal';

export interface Delivery {
  readonly method: PublishMethod;
  readonly body: Body;
}

const METHODS: readonly PublishMethod[] = ['CREATE', 'UPDATE', 'DELETE'];
const BODIES: readonly Body[] = ['full', 'public', 'tombstone', 'removal'];
/** Every delivery exists once: deciding allocates nothing per subscriber, and frames can be cached by identity. */
const DELIVERIES = Object.fromEntries(
  METHODS.map((method) => [method, Object.fromEntries(BODIES.map((body) => [body, Object.freeze({ method, body })]))]),
) as Record<PublishMethod, Record<Body, Delivery>>;

export function delivery(method: PublishMethod, body: Body): Delivery {
  return DELIVERIES[method][body];
}

const TOMBSTONE = delivery('DELETE', 'tombstone');
const REMOVAL = delivery('UPDATE', 'removal');
const CREATE_FULL = delivery('CREATE', 'full');

/** The per-subscription facts the rules read and keep current. */
export interface RuleTarget {
  readonly parsed: Topic;
  /** Visibility facts of the request of a `request` or `messages` topic, as of the last event seen. */
  scope: RequestScope | null;
  /** The user behind a `project_user` topic's project user. */
  targetUserId: string | null;
  /** Visibility facts of an `events` topic's contact, as of the last event seen. */
  contact: ContactScope | null;
}

/** The viewer a project_user event describes: null when the project user was removed. */
export function viewerOfEvent(e: ProjectUserEvent): Viewer | null {
  return e.method === 'DELETE' ? null : viewerOf(e.data);
}

export function sameViewer(a: Viewer | null, b: Viewer | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.userId === b.userId &&
    a.role === b.role &&
    a.active === b.active &&
    a.departmentIds.length === b.departmentIds.length &&
    a.departmentIds.every((d) => b.departmentIds.includes(d))
  );
}

/** The user id a project_user event is about. */
export function eventUserId(e: ProjectUserEvent): string | null {
  const u = e.data.uuid_user;
  return typeof u === 'string' ? u : null;
}

/** The topic strings an event can concern; the hub looks each up in its index and touches nothing else. */
export function topicKeys(e: ProjectEvent): string[] {
  const base = `/${e.projectId}`;
  switch (e.kind) {
    case 'request': {
      const r = e.requestId;
      return [`${base}/requests`, `${base}/requests/${r}`, `${base}/requests/${r}/messages`];
    }
    case 'message':
      return [`${base}/requests/${e.requestId}/messages`];
    case 'project_user': {
      const keys = [`${base}/project_users`, `${base}/project_users/${e.entityId}`];
      const user = eventUserId(e);
      if (user !== null) keys.push(`${base}/project_users/users/${user}`);
      return keys;
    }
    case 'contact_event': {
      // The contact is subscribed to by either of its ids, with or without the event's name.
      const keys: string[] = [];
      for (const c of [e.data.lead, e.data.project_user]) {
        if (typeof c === 'string') keys.push(`${base}/events/${c}`, `${base}/events/${c}/${String(e.data.name)}`);
      }
      return keys;
    }
    case 'alert':
      return [`${base}/alerts`];
  }
}

export function touches(e: ProjectEvent, topic: string): boolean {
  return topicKeys(e).includes(topic);
}

/** Whether a viewer may hold (or keep) a subscription. A viewer of null is not a member. */
export function allowed(sub: RuleTarget, viewer: Viewer | null): boolean {
  if (viewer === null || !viewer.active) return false;
  // A visitor may hold one kind of topic: the events about themselves.
  if (sub.parsed.kind === 'events') return sub.contact !== null && canSeeContact(viewer, sub.contact);
  if (!isMember(viewer.role)) return false;
  switch (sub.parsed.kind) {
    case 'requests':
    case 'project_user_by_user':
    case 'bots':
      return true;
    case 'request':
    case 'messages':
      return sub.scope !== null && canSeeRequest(viewer, sub.scope);
    case 'project_user':
      return isSupervising(viewer.role) || sub.targetUserId === viewer.userId;
    case 'project_users':
    case 'metrics':
    case 'alerts':
      return isSupervising(viewer.role);
  }
}

/**
 * Visible now: the event (CREATE when it has just become visible). Visible before only: DELETE with ids.
 * Otherwise nothing, so a subscriber never learns anything about a request they may not see.
 */
function byVisibility(viewer: Viewer, e: ProjectEvent): Delivery | null {
  const now = e.scope !== null && canSeeRequest(viewer, e.scope);
  const before = e.prevScope !== null && canSeeRequest(viewer, e.prevScope);
  if (now) {
    if (e.method === 'DELETE') return TOMBSTONE;
    if (e.method === 'UPDATE' && e.prevScope !== null && !before) return delivery('CREATE', 'full');
    return delivery(e.method, 'full');
  }
  return before ? TOMBSTONE : null;
}

function projectUserBody(viewer: Viewer, userId: unknown): Body {
  return canSeePrivateFields(viewer, userId) ? 'full' : 'public';
}

/** What `sub` receives of `e`, or null for nothing. Keeps `sub.scope` current. */
export function decide(sub: RuleTarget, viewer: Viewer | null, e: ProjectEvent): Delivery | null {
  if (viewer === null) return null;
  switch (sub.parsed.kind) {
    case 'requests':
      return e.kind === 'request' && isPublishedOnRequestsTopic(e.data) ? byVisibility(viewer, e) : null;
    case 'request':
      if (e.kind !== 'request') return null;
      if (e.scope !== null) sub.scope = e.scope;
      return byVisibility(viewer, e);
    case 'messages': {
      if (e.scope !== null) sub.scope = e.scope;
      const d = byVisibility(viewer, e);
      // Request changes are not messages; the topic only learns that the request left the subscriber's sight.
      return e.kind === 'message' || d?.method === 'DELETE' ? d : null;
    }
    case 'project_user':
    case 'project_user_by_user':
      if (e.kind !== 'project_user') return null;
      return e.method === 'DELETE' ? TOMBSTONE : delivery(e.method, projectUserBody(viewer, e.data.uuid_user));
    case 'project_users':
      if (e.kind !== 'project_user') return null;
      if (e.method !== 'DELETE' && isRole(e.data.role) && isMember(e.data.role)) {
        return delivery(e.method, projectUserBody(viewer, e.data.uuid_user));
      }
      // A visitor joining is none of this topic's business; one leaving the member roles may have been listed.
      return e.method === 'CREATE' ? null : TOMBSTONE;
    case 'metrics':
      // Metrics are not events: the metrics publisher sends UPDATEs computed from the store.
      return null;
    case 'events':
      // Only contact events reach this topic (its keys); each is authorized with the facts it carries.
      if (e.kind !== 'contact_event' || e.contact == null) return null;
      sub.contact = e.contact;
      return canSeeContact(viewer, e.contact) ? CREATE_FULL : null;
    case 'alerts':
      // Raised: CREATE; cleared: UPDATE. Only the supervising roles hold the topic (`allowed`).
      return e.kind === 'alert' && isSupervising(viewer.role) ? delivery(e.method, 'full') : null;
    case 'bots':
      return null;
  }
}

/**
 * What a client that did not declare the `delete` capability receives instead of `d` (PROTOCOL §9). A Tiledesk
 * client ignores DELETE but drops a request from its lists on an UPDATE with `status: 1000`, and otherwise
 * replaces it: on the request topics a request leaving its sight becomes that UPDATE, carrying the ids and nothing
 * else. Elsewhere DELETE stays (ids only, ignored by such a client, harmless). Allocates nothing.
 */
export function forClient(topic: Topic, d: Delivery | null, understandsDelete: boolean): Delivery | null {
  if (d !== TOMBSTONE || understandsDelete) return d;
  return topic.kind === 'requests' || topic.kind === 'request' ? REMOVAL : d;
}

/** Tiledesk's removal of a request: enough to find it in a list, `status: 1000`, and none of its data. */
export function removal(e: ProjectEvent): Record<string, unknown> {
  const id = '_id' in e.data && typeof e.data._id === 'string' ? e.data._id : e.entityId;
  return { _id: id, id, request_id: e.requestId ?? e.entityId, id_project: e.projectId, status: 1000 };
}

/** The ids a DELETE carries, and nothing else. */
export function tombstone(e: ProjectEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'request':
      return { _id: e.data._id, id: e.data._id, request_id: e.requestId };
    case 'message':
      return { _id: e.entityId, id: e.entityId, request_id: e.requestId };
    case 'project_user':
    case 'contact_event':
    case 'alert':
      return { _id: e.entityId, id: e.entityId };
  }
}

/**
 * A snapshot as this viewer may see it. The loader authorized it with the viewer of its own transaction; a newer
 * viewer (a role or department change seen meanwhile) narrows it here, so the snapshot and the events agree.
 */
export function shapeSnapshot(sub: RuleTarget, viewer: Viewer, message: unknown): unknown {
  switch (sub.parsed.kind) {
    case 'requests': {
      const requests = message as Request[];
      return isSupervising(viewer.role) ? requests : requests.filter((r) => canSeeRequest(viewer, scopeOf(r)));
    }
    case 'project_user':
    case 'project_user_by_user': {
      const pu = message as ProjectUser;
      return projectUserBody(viewer, pu.uuid_user) === 'full' ? pu : publicView(pu);
    }
    case 'project_users':
      return (message as ProjectUser[]).map((pu) => (projectUserBody(viewer, pu.uuid_user) === 'full' ? pu : publicView(pu)));
    default:
      return message;
  }
}
