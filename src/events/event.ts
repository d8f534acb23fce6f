import type { ContactScope } from '../domain/contact-visibility.js';
import type { RequestScope } from '../domain/visibility.js';

export type EventKind = 'request' | 'message' | 'project_user' | 'contact_event';
export type EventMethod = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * One change of a project, as the outbox stores it and the bus carries it. It holds everything the gateway needs
 * to authorize each subscriber without another query: the visibility facts after (`scope`) and before
 * (`prevScope`) the change, and the entity as clients see it.
 */
export interface ProjectEvent {
  projectId: string;
  /** Gap-free per project, in commit order. */
  seq: number;
  epoch: string;
  kind: EventKind;
  method: EventMethod;
  /** request_id for requests, the message id, the project-user id, or the contact event's id. */
  entityId: string;
  /** The request a request or message event belongs to. */
  requestId: string | null;
  scope: RequestScope | null;
  prevScope: RequestScope | null;
  /** A contact event's visibility facts (who the contact is, their requests' scopes); absent on other kinds. */
  contact?: ContactScope | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export type NewEvent = Omit<ProjectEvent, 'projectId' | 'seq' | 'epoch' | 'createdAt'>;
