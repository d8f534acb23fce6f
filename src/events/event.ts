import type { Alert } from '../domain/alerts.js';
import type { ContactEvent } from '../domain/contact-event.js';
import type { ContactScope } from '../domain/contact-visibility.js';
import type { Message } from '../domain/message.js';
import type { ProjectUser } from '../domain/project.js';
import type { Request } from '../domain/request.js';
import type { RequestScope } from '../domain/visibility.js';

export type EventMethod = 'CREATE' | 'UPDATE' | 'DELETE';

/** What every event has, whatever it is about. */
interface EventBase {
  projectId: string;
  /** Gap-free per project, in commit order. */
  seq: number;
  epoch: string;
  method: EventMethod;
  createdAt: string;
}

/** A request was created, changed, or (DELETE) left the listed states. `data` is the request as clients see it. */
export interface RequestEvent extends EventBase {
  kind: 'request';
  /** The request_id. */
  entityId: string;
  requestId: string;
  scope: RequestScope;
  prevScope: RequestScope | null;
  data: Request;
}

/** A message of a request; `scope` is its request's visibility facts, which decide who receives it. */
export interface MessageEvent extends EventBase {
  kind: 'message';
  /** The message id. */
  entityId: string;
  requestId: string;
  scope: RequestScope;
  prevScope: null;
  data: Message;
}

/** A project user (a member or a visitor of the project) was added, changed or removed. */
export interface ProjectUserEvent extends EventBase {
  kind: 'project_user';
  /** The project-user id. */
  entityId: string;
  requestId: null;
  scope: null;
  prevScope: null;
  data: ProjectUser;
}

/** An event about a contact (Tiledesk's events API); `contact` holds who may see it (docs/protocol.md). */
export interface ContactEventEvent extends EventBase {
  kind: 'contact_event';
  /** The contact event's id. */
  entityId: string;
  requestId: null;
  scope: null;
  prevScope: null;
  /** The contact (lead or project user) and the scopes of their requests, at the time of the event. */
  contact: ContactScope | null;
  data: ContactEvent;
}

/** An alert was raised (CREATE) or cleared (UPDATE); for the supervising roles only (`/P/alerts`). */
export interface AlertEvent extends EventBase {
  kind: 'alert';
  /** The alert's id. */
  entityId: string;
  requestId: null;
  scope: null;
  prevScope: null;
  data: Alert;
}

/**
 * One change of a project, as the outbox stores it and the bus carries it, told apart by `kind`. It holds everything
 * the gateway needs to authorize each subscriber without another query: the visibility facts after (`scope`) and
 * before (`prevScope`) the change, and the entity as clients see it (its stored JSON capped in depth when read back).
 */
export type ProjectEvent = RequestEvent | MessageEvent | ProjectUserEvent | ContactEventEvent | AlertEvent;

export type EventKind = ProjectEvent['kind'];

/** An event before the outbox numbers it, one shape per kind. */
type Unnumbered<E> = E extends ProjectEvent ? Omit<E, 'projectId' | 'seq' | 'epoch' | 'createdAt'> : never;
export type NewEvent = Unnumbered<ProjectEvent>;
